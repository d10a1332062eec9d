"""ledger serve keeps its projector alive, and takes it down with it."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.server import ledger_serve

pytestmark = pytest.mark.e2e


def projector_pids(data_dir: str) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-f", "api.cli projections run"], capture_output=True, text=True, check=False
    )
    pids = []
    for pid in map(int, found.stdout.split()):
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        if f"LEDGER_DATA_DIR={data_dir}".encode() in environ:
            pids.append(pid)
    return pids


def wait_for(condition, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_a_killed_projector_is_started_again(
    env: dict[str, str], log_path: Path, admin_token: str
) -> None:
    with ledger_serve(env, log_path) as server:
        (first,) = wait_for(lambda: projector_pids(env["LEDGER_DATA_DIR"]))
        os.kill(first, signal.SIGKILL)
        (second,) = wait_for(
            lambda: [p for p in projector_pids(env["LEDGER_DATA_DIR"]) if p != first]
        )
        assert second != first
        registered = requests.post(
            f"{server}/admin/tenants",
            json={
                "appName": "after-restart",
                "contactEmail": "ops@example.com",
                "webhookUrl": "https://example.com/hooks",
                "environment": "staging",
                "sandbox": True,
            },
            headers={"Authorization": f"Bearer {admin_token}"},
            timeout=10,
        ).json()
        token = requests.post(
            f"{server}/tenants/login",
            json={"appName": "after-restart", "appSecret": registered["appSecret"]},
            timeout=10,
        ).json()["accessToken"]
        me = requests.get(
            f"{server}/tenants/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert me.status_code == 200


def test_the_projector_does_not_outlive_a_killed_server(
    env: dict[str, str], log_path: Path
) -> None:
    with ledger_serve(env, log_path):
        (projector,) = wait_for(lambda: projector_pids(env["LEDGER_DATA_DIR"]))
        supervisor = int(Path(f"/proc/{projector}/stat").read_text().split()[3])
        os.kill(supervisor, signal.SIGKILL)
        wait_for(lambda: not projector_pids(env["LEDGER_DATA_DIR"]))


@pytest.mark.parametrize("store", ["postgres"])
def test_many_workers_start_together_on_postgres(env: dict[str, str], log_path: Path) -> None:
    for _ in range(2):
        with ledger_serve(env, log_path, workers=6) as server:
            assert requests.get(f"{server}/readyz", timeout=10).status_code == 200
    assert "Worker failed to boot" not in log_path.read_text()
