"""Starts `ledger serve` as a real process on a free port, as an operator would."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

LEDGER = str(Path(sys.executable).with_name("ledger"))
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


def ledger_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(
        LEDGER_DATABASE_URL=database_url,
        LEDGER_DATA_DIR=str(data_dir),
        LEDGER_POSTGRES_POOL_SIZE="2",
        **extra,
    )
    return env


@contextmanager
def ledger_serve(env: dict[str, str], log_path: Path, workers: int = 2) -> Iterator[str]:
    # Port 0: the kernel picks a free port at bind time, so parallel runs cannot collide.
    offset = log_path.stat().st_size if log_path.exists() else 0
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [LEDGER, "serve", "--port", "0", "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base_url = _wait_until_ready(process, log_path, offset)
        yield base_url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # Whatever the test did to the supervisor, leave none of its children behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def ledger_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LEDGER, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _wait_until_ready(process: subprocess.Popen[bytes], log_path: Path, offset: int) -> str:
    deadline = time.monotonic() + 30
    base_url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ledger serve exited early:\n{log_path.read_text()}")
        if base_url is None:
            listening = LISTENING.search(log_path.read_bytes()[offset:].decode(errors="replace"))
            base_url = listening.group(1) if listening else None
        else:
            try:
                if requests.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                    return base_url
            except requests.RequestException:
                pass
        time.sleep(0.1)
    raise RuntimeError(f"ledger serve did not become ready:\n{log_path.read_text()}")
