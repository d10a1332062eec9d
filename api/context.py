"""The services behind the Flask app, built on first use so that a worker can start (and
answer /healthz, and 503 elsewhere) while the database is unreachable."""

import threading
from collections.abc import Callable

from flask import Flask, current_app

from infrastructure.services import Services

_KEY = "tenant_ledger"


class _LazyServices:
    def __init__(self, build: Callable[[], Services]) -> None:
        self._build = build
        self._built: Services | None = None
        self._lock = threading.Lock()

    def get(self) -> Services:
        if self._built is None:
            with self._lock:
                if self._built is None:
                    self._built = self._build()  # on failure: raised, tried again next time
        return self._built


def install_services(app: Flask, source: Services | Callable[[], Services]) -> None:
    app.extensions[_KEY] = _LazyServices(source) if callable(source) else source


def services_of(app: Flask) -> Services:
    installed = app.extensions[_KEY]
    return installed.get() if isinstance(installed, _LazyServices) else installed


def services() -> Services:
    return services_of(current_app)
