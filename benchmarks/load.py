"""A small closed-loop HTTP load generator: N client threads with keep-alive, for a fixed time."""
import http.client
import statistics
import threading
import time


def hammer(port: int, path: str, headers: dict, clients: int = 8, seconds: float = 5.0, warmup: float = 1.0):
    """Returns {requests, rps, p50_ms, p95_ms, errors} over the measured window."""
    latencies, errors = [], [0]
    lock = threading.Lock()
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            t1 = time.perf_counter()
            if t0 >= start_at:
                if ok:
                    mine.append(t1 - t0)
                else:
                    with lock:
                        errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": round(n / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if n else None,
        "p95_ms": round(latencies[int(n * 0.95) - 1] * 1000, 2) if n else None,
        "errors": errors[0],
    }
