"""Rate limits hold across gunicorn workers when they share Redis."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.e2e.server import ledger_serve
from tests.stores import redis_url

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("store", ["sqlite"])
def test_two_workers_share_one_login_limit_through_redis(
    env: dict[str, str], log_path: Path
) -> None:
    env = {**env, "LEDGER_REDIS_URL": redis_url(), "LEDGER_LOGIN_LIMIT_PER_IP": "10/minute"}
    with ledger_serve(env, log_path, workers=2) as server:

        def attempt(_: int) -> int:
            return requests.post(
                f"{server}/tenants/login",
                json={"appName": "nobody", "appSecret": "guess"},
                timeout=10,
            ).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(attempt, range(40)))
    assert statuses.count(401) == 10
    assert statuses.count(429) == 30
