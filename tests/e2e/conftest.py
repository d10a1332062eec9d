from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import ledger_cli, ledger_env, ledger_serve
from tests.stores import database_url


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def env(store: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    with database_url(store, tmp_path) as url:
        yield ledger_env(url, tmp_path / "var")


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "server.log"


@pytest.fixture
def server(env: dict[str, str], log_path: Path) -> Iterator[str]:
    with ledger_serve(env, log_path) as base_url:
        yield base_url


@pytest.fixture
def admin_token(env: dict[str, str]) -> str:
    created = ledger_cli(env, "admin", "create-token", "alice")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()
