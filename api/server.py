"""`ledger serve`: a small supervisor over two children — gunicorn (the API workers) and one
projector — restarting the projector if it dies and stopping both together.

Run as `python -m api.server HOST PORT WORKERS`, this module is the gunicorn child."""

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from gunicorn.app.base import BaseApplication

from api.logs import configure_logging
from infrastructure.settings import Settings

logger = logging.getLogger("ledger")

THREADS_PER_WORKER = 4
PROJECTOR_RESTART_DELAY_SECONDS = 1.0


class LedgerServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Runs in each worker after the fork, so every worker gets its own connection pool.
        from api.app import create_app

        configure_logging()
        return create_app(Settings.from_environ())


def serve(settings: Settings, *, host: str, port: int, workers: int, projector: bool) -> int:
    """Run until SIGTERM or SIGINT, or until the API server exits; return its exit status."""
    env = {
        **os.environ,
        "LEDGER_CREATE_TABLES": "false",  # created once already, by the caller
        "LEDGER_ISSUER": settings.issuer,
        "LEDGER_SUPERVISOR_PID": str(os.getpid()),
    }
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    web = _child(["api.server", host, str(port), str(workers)], env)
    follower = _child(["api.cli", "projections", "run"], env) if projector else None
    try:
        while not stop.wait(0.5) and web.poll() is None:
            if follower is not None and follower.poll() is not None:
                logger.warning("projector exited (%s); starting it again", follower.returncode)
                time.sleep(PROJECTOR_RESTART_DELAY_SECONDS)
                follower = _child(["api.cli", "projections", "run"], env)
    finally:
        for child in (web, follower):
            _stop(child)
    return web.returncode or 0


def _child(arguments: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", *arguments], env=env)  # noqa: S603


def _stop(child: subprocess.Popen[bytes] | None) -> None:
    if child is None or child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def main() -> None:
    host, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    LedgerServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            # Threads: a slow client holds one thread, not a whole worker.
            "worker_class": "gthread",
            "threads": THREADS_PER_WORKER,
            "timeout": 30,
            "graceful_timeout": 10,
            "accesslog": None,  # the app logs each request itself, escaped
        }
    ).run()


if __name__ == "__main__":
    main()
