"""Configuration: defaults, overridden by DOCS_SERVICE_* environment variables, then by test config."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "DOCS_SERVICE_"


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "si", "sí", "on")


# name: (coercer, default); a default of None is computed from the instance folder below.
SETTINGS = {
    "INSTANCE": (str, None),
    "DATABASE_URL": (str, None),
    "SECRET_KEY": (str, None),
    "PUBLIC_URL": (str, "http://127.0.0.1:5000"),
    "SEARCH_BACKEND": (str, "tantivy"),
    "SEARCH_INDEX_DIR": (str, str(PROJECT_ROOT / "search_index")),
    "MANUALES_DIR": (str, str(PROJECT_ROOT / "manuales")),
    "FORMATOS_DIR": (str, str(PROJECT_ROOT / "formatos")),
    "CERTIFICACIONES_DIR": (str, str(PROJECT_ROOT / "certificaciones")),
    "BLOB_DIR": (str, None),
    "MAX_CONTENT_LENGTH": (int, 25 * 1024 * 1024),
    "MAX_FORM_MEMORY_SIZE": (int, 512 * 1024),
    "MAX_FORM_PARTS": (int, 200),
    "COOKIE_SECURE": (_bool, True),
    "SESSION_HOURS": (int, 8),
    "SQLITE_BUSY_TIMEOUT_MS": (int, 15000),
    "LOG_LEVEL": (str, "INFO"),
    "ADMIN_PASSWORD": (str, ""),
    "ACUSE_PLAZO_DIAS_HABILES": (int, 10),
    "CLAVE_PATTERN": (str, r"[0-9A-Z]{4}-[0-9]{3}-[0-9]{3}"),
    "SMTP_URL": (str, ""),  # unset: notifications stay in-app only
    "SMTP_FROM": (str, "Normateca de Cobranza <normateca@localhost>"),
    "SMTP_TIMEOUT": (float, 10.0),
    "SIGNING_P12": (str, ""),  # production seal: PKCS#12 file (key, certificate, chain)
    "SIGNING_P12_PASSWORD_ENV": (str, "DOCS_SERVICE_SIGNING_P12_PASSWORD"),  # env variable holding its password
    "TSA_URL": (str, ""),  # RFC 3161 timestamp server; empty: no timestamp
    "RATELIMIT_STORAGE_URI": (str, "memory://"),  # redis://host:6379/0 to share limits across workers
    "VERIFICACION_LIMITE": (str, "30/minute"),  # per client address, public verification
    "VERIFICACION_LIMITE_GLOBAL": (str, "600/minute"),  # all clients together
    "RENDER_PROCESOS": (int, 1),  # bounded render workers per web process (formats' untrusted templates)
    "RENDER_TIEMPO_S": (float, 20.0),  # a render running longer is killed (its worker replaced)
    "RENDER_MEMORIA_MB": (int, 512),  # address space a render may add to its warmed worker
    "LOTE_PROCESOS": (int, 0),  # batch emission worker processes; 0: one per core
    "LOTE_COLA": (str, "local"),  # who runs API/page lotes: local (detached process) | procrastinate (PostgreSQL)
}


def load(test_config: dict | None = None) -> dict:
    """Resolve every setting: default < environment < test_config."""
    test_config = dict(test_config or {})
    values = {}
    for name, (coerce, default) in SETTINGS.items():
        raw = os.environ.get(PREFIX + name)
        values[name] = coerce(raw) if raw not in (None, "") else default
    values.update({k: v for k, v in test_config.items() if k in SETTINGS})
    instance = Path(values["INSTANCE"] or Path.cwd() / "instance").resolve()
    values["INSTANCE"] = str(instance)
    if not values["DATABASE_URL"]:
        values["DATABASE_URL"] = f"sqlite:///{instance / 'docs_service.db'}"
    values["DATABASE_URL"] = normalize_db_url(values["DATABASE_URL"])
    values["BLOB_DIR"] = values["BLOB_DIR"] or str(instance / "blobs")
    if not values["SECRET_KEY"]:
        values["SECRET_KEY"] = _instance_secret(instance)
    flask = {
        "SECRET_KEY": values["SECRET_KEY"],
        "MAX_CONTENT_LENGTH": values["MAX_CONTENT_LENGTH"],
        "MAX_FORM_MEMORY_SIZE": values["MAX_FORM_MEMORY_SIZE"],
        "MAX_FORM_PARTS": values["MAX_FORM_PARTS"],
        "SESSION_COOKIE_SECURE": values["COOKIE_SECURE"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "normateca_sesion",
        "PERMANENT_SESSION_LIFETIME": values["SESSION_HOURS"] * 3600,
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": values["SESSION_HOURS"] * 3600,
        "API_TITLE": "Normateca de Cobranza",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs-assets/",
        "JSON_SORT_KEYS": False,
    }
    flask.update({k: v for k, v in test_config.items() if k not in SETTINGS})
    return {**{f"DOCS_{k}": v for k, v in values.items()}, **flask}


def normalize_db_url(url: str) -> str:
    """PostgreSQL goes through psycopg 3 whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance: Path) -> str:
    """The embedded default keeps a generated secret in the instance folder (never in git)."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
