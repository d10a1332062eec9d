"""A whole run's logs hold none of the secrets and tokens it handed out or was sent."""

import re
from pathlib import Path

import pytest
import requests

from tests.e2e.server import ledger_serve

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("store", ["sqlite"])
def test_logs_hold_no_secret_or_token(
    env: dict[str, str], log_path: Path, admin_token: str
) -> None:
    admin = {"Authorization": f"Bearer {admin_token}"}
    seen: list[str] = [admin_token]
    with ledger_serve(env, log_path) as server:
        registered = requests.post(
            f"{server}/admin/tenants",
            json={
                "appName": "quiet-app",
                "contactEmail": "ops@quiet.app",
                "webhookUrl": "https://quiet.app/hooks",
                "environment": "staging",
                "sandbox": True,
            },
            headers=admin,
            timeout=10,
        ).json()
        secret = registered["appSecret"]
        tenant = registered["appId"]

        def log_in(app_secret: str) -> requests.Response:
            return requests.post(
                f"{server}/tenants/login",
                json={"appName": "quiet-app", "appSecret": app_secret},
                timeout=10,
            )

        token = log_in(secret).json()["accessToken"]
        wrong = "wrong-secret-that-must-not-be-logged-7f3a"
        assert log_in(wrong).status_code == 401
        rotated = requests.post(
            f"{server}/tenants/me/rotate-secret",
            json={"appSecret": secret},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()["appSecret"]
        second = log_in(rotated).json()["accessToken"]
        requests.post(
            f"{server}/tokens/introspect", data={"token": second}, headers=admin, timeout=10
        )
        requests.get(f"{server}/tenants/me?access_token={second}", timeout=10)
        requests.post(
            f"{server}/admin/tenants/{tenant}/suspend",
            json={"reason": "test"},
            headers=admin,
            timeout=10,
        )
        assert log_in(rotated).status_code == 403
        seen += [secret, token, wrong, rotated, second]

    logs = log_path.read_text()
    for value in seen:
        assert value not in logs
        assert value[:24] not in logs
    access_lines = [line for line in logs.splitlines() if "ledger.access" in line]
    assert len(access_lines) >= 8
    assert all(re.search(r"\[[0-9a-f]{32}\]", line) for line in access_lines)
