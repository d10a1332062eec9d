"""`ledger keys rotate` beside a running server: the workers pick the new key up."""

from pathlib import Path

import jwt
import pytest
import requests

from tests.e2e.http_client import login, register
from tests.e2e.server import ledger_cli, ledger_serve

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("store", ["sqlite"])]


def test_rotating_the_signing_key_under_a_running_server(
    env: dict[str, str], log_path: Path, admin_token: str
) -> None:
    with ledger_serve(env, log_path) as server:
        secret = register(server, admin_token, "keyed-app")["appSecret"]

        def log_in() -> str:
            return login(server, "keyed-app", secret).json()["accessToken"]

        before = log_in()
        rotated = ledger_cli(env, "keys", "rotate", "--now")
        assert rotated.returncode == 0, rotated.stderr
        after = log_in()
        jwks = requests.get(f"{server}/.well-known/jwks.json", timeout=10).json()
        kids = [key["kid"] for key in jwks["keys"]]
        assert len(kids) == 2
        assert jwt.get_unverified_header(after)["kid"] == kids[1] != kids[0]
        for token in (before, after):
            me = requests.get(
                f"{server}/tenants/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
            assert me.status_code == 200
        listed = ledger_cli(env, "keys", "list").stdout
        assert "signing" in listed and "verifying until retired" in listed
