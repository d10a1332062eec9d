"""Against a live server: no timing oracle on app names, revocation takes effect at once,
concurrent rotations never leave two current secrets."""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.http_client import register as register_over_http

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("store", ["sqlite", "postgres"])]

NO_LIMITS = {
    "LEDGER_LOGIN_LIMIT_PER_IP": "1000000/minute",
    "LEDGER_LOGIN_FAILURE_LIMIT_PER_APP": "1000000/minute",
    "LEDGER_LOGIN_FAILURE_LIMIT_PER_APP_AND_IP": "1000000/minute",
}


@pytest.fixture
def env(env: dict[str, str]) -> dict[str, str]:
    return {**env, **NO_LIMITS}  # this suite measures the endpoint, not the limiter


def register(server: str, admin_token: str) -> dict:
    return register_over_http(server, admin_token, "target-app")


def login(session: requests.Session, server: str, name: str, secret: str) -> requests.Response:
    return session.post(
        f"{server}/tenants/login", json={"appName": name, "appSecret": secret}, timeout=10
    )


def test_unknown_app_and_wrong_secret_take_the_same_time(server: str, admin_token: str) -> None:
    register(server, admin_token)
    session = requests.Session()
    timings: dict[str, list[float]] = {"unknown": [], "wrong": []}
    bodies = {}
    for _ in range(220):  # interleaved, so drift hits both alike
        for kind, name in (("unknown", "no-such-app"), ("wrong", "target-app")):
            started = time.perf_counter()
            response = login(session, server, name, "not-the-secret")
            timings[kind].append(time.perf_counter() - started)
            assert response.status_code == 401
            bodies[kind] = response.json()
    assert bodies["unknown"]["detail"] == bodies["wrong"]["detail"]
    difference = abs(statistics.median(timings["unknown"]) - statistics.median(timings["wrong"]))
    assert difference < 0.003, f"medians differ by {difference * 1000:.2f} ms"


def test_old_tokens_are_refused_right_after_rotation_and_suspension(
    server: str, admin_token: str
) -> None:
    admin = {"Authorization": f"Bearer {admin_token}"}
    tenant = register(server, admin_token)
    session = requests.Session()

    def me(token: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        return session.get(f"{server}/tenants/me", headers=headers, timeout=10).status_code

    token = login(session, server, "target-app", tenant["appSecret"]).json()["accessToken"]
    rotated = session.post(
        f"{server}/admin/tenants/{tenant['appId']}/rotate-secret", headers=admin, timeout=10
    ).json()["appSecret"]
    assert me(token) == 401
    token = login(session, server, "target-app", rotated).json()["accessToken"]
    assert me(token) == 200
    session.post(
        f"{server}/admin/tenants/{tenant['appId']}/suspend",
        json={"reason": "incident"},
        headers=admin,
        timeout=10,
    )
    assert me(token) == 401
    assert login(session, server, "target-app", rotated).status_code == 403


def test_concurrent_rotations_leave_exactly_one_current_secret(
    server: str, admin_token: str
) -> None:
    admin = {"Authorization": f"Bearer {admin_token}"}
    tenant = register(server, admin_token)
    url = f"{server}/admin/tenants/{tenant['appId']}/rotate-secret"
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(
            pool.map(lambda _: requests.post(url, headers=admin, timeout=10), range(10))
        )
    assert {r.status_code for r in responses} <= {200, 409}
    winners = [r.json() for r in responses if r.status_code == 200]
    assert winners
    versions = sorted(w["secretVersion"] for w in winners)
    assert versions == list(range(2, 2 + len(winners)))
    session = requests.Session()
    working = [w for w in winners if login(session, server, "target-app", w["appSecret"]).ok]
    assert [w["secretVersion"] for w in working] == [versions[-1]]
