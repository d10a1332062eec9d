"""`ledger serve`: gunicorn workers for the API plus one projector process beside them."""

import logging
import signal
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from infrastructure.settings import Settings

logger = logging.getLogger(__name__)


class LedgerServer(BaseApplication):
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Runs in each worker after the fork, so every worker gets its own connection pool.
        from api.app import create_app

        return create_app(self._settings)


def serve(settings: Settings, *, host: str, port: int, workers: int, projector: bool) -> None:
    projector_process = _start_projector() if projector else None
    try:
        LedgerServer(
            settings,
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "timeout": 30,
                "graceful_timeout": 10,
                "accesslog": "-",
                "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s',
            },
        ).run()
    finally:
        if projector_process is not None:
            projector_process.send_signal(signal.SIGTERM)
            try:
                projector_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                projector_process.kill()


def _start_projector() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "api.cli", "projections", "run"])
