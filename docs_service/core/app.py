"""The Flask class the factory builds: Flask itself, with one hot-path shortcut."""
from inspect import CO_COROUTINE

from flask import Flask


class App(Flask):
    def ensure_sync(self, func):
        """Flask asks this of every hook and view on every request (a dozen times a request), through
        `inspect.iscoroutinefunction`. A plain function or bound method answers from its code flags
        directly; anything else (partials, callables) takes Flask's own path. Same result."""
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if code is not None and not code.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)
