"""The documented flow against `ledger serve` over real HTTP, with gunicorn workers and the
projector process, on SQLite and PostgreSQL."""

import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit
from uuid import UUID

import pytest
import requests

from infrastructure.services import build_services
from infrastructure.settings import Settings
from tests.e2e.server import ledger_serve

pytestmark = pytest.mark.e2e

REGISTRATION = {
    "appName": "my-saas-app",
    "contactEmail": "ops@my-saas.app",
    "webhookUrl": "https://my-saas.app/webhooks/billing",
    "environment": "staging",
    "sandbox": True,
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(base_url: str, admin_token: str, **overrides: object) -> requests.Response:
    return requests.post(
        f"{base_url}/admin/tenants",
        json={**REGISTRATION, **overrides},
        headers=bearer(admin_token),
        timeout=10,
    )


def login(base_url: str, app_name: str, app_secret: str) -> requests.Response:
    return requests.post(
        f"{base_url}/tenants/login",
        json={"appName": app_name, "appSecret": app_secret},
        timeout=10,
    )


def test_the_documented_flow_over_http(server: str, admin_token: str) -> None:
    registered = register(server, admin_token)
    assert registered.status_code == 201, registered.text
    credentials = registered.json()

    logged_in = login(server, "my-saas-app", credentials["appSecret"])
    assert logged_in.status_code == 200
    assert logged_in.json()["expiresIn"] == "24h"

    # Right after registering: read-your-writes through the separate projector process.
    me = requests.get(
        f"{server}/tenants/me", headers=bearer(logged_in.json()["accessToken"]), timeout=10
    )
    assert me.status_code == 200, me.text
    assert me.json()["id"] == credentials["appId"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", me.json()["createdAt"])

    assert login(server, "my-saas-app", "wrong").status_code == 401
    assert requests.get(f"{server}/tenants/me", timeout=10).status_code == 401


def test_parallel_registrations_of_one_name_give_one_tenant(server: str, admin_token: str) -> None:
    names = ["race-app", "RACE-APP"] * 5
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(
            pool.map(lambda name: register(server, admin_token, appName=name).status_code, names)
        )
    assert statuses == [201] + [409] * 9


def test_parallel_logins_of_one_tenant_all_succeed(
    server: str, admin_token: str, env: dict[str, str]
) -> None:
    credentials = register(server, admin_token).json()
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(
            pool.map(lambda _: login(server, "my-saas-app", credentials["appSecret"]), range(20))
        )
    assert [r.status_code for r in responses] == [200] * 20
    assert len({r.json()["accessToken"] for r in responses}) == 20

    services = build_services(Settings.from_environ(env))
    try:
        events = list(services.ledger.events.get(UUID(credentials["appId"])))
    finally:
        services.close()
    assert [type(e).__name__ for e in events].count("TokenIssued") == 20


def test_credentials_tokens_and_created_at_survive_a_restart(
    env: dict[str, str], log_path: Path, admin_token: str
) -> None:
    with ledger_serve(env, log_path) as server:
        credentials = register(server, admin_token).json()
        token = login(server, "my-saas-app", credentials["appSecret"]).json()["accessToken"]
        before = requests.get(f"{server}/tenants/me", headers=bearer(token), timeout=10).json()

    with ledger_serve(env, log_path) as server:
        after = requests.get(f"{server}/tenants/me", headers=bearer(token), timeout=10)
        assert after.status_code == 200
        assert after.json() == before
        assert login(server, "MY-SAAS-APP", credentials["appSecret"]).status_code == 200


def test_an_oversized_chunked_body_is_a_413(server: str) -> None:
    address = urlsplit(server)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.putrequest("POST", "/tenants/login")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    chunk = b"a" * 4096
    try:
        for _ in range(64):
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        connection.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may stop reading once it has refused the body
    response = connection.getresponse()
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/problem+json"
