from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.app import create_app
from application.projector import BackgroundProjector
from infrastructure.services import Services, build_services
from infrastructure.settings import Settings
from tests.fakes import FakeClock
from tests.stores import STORES, database_url


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def settings(store: str, tmp_path: Path) -> Iterator[Settings]:
    with database_url(store, tmp_path) as url:
        yield Settings.from_environ(
            {
                "LEDGER_DATABASE_URL": url,
                "LEDGER_DATA_DIR": str(tmp_path / "var"),
                "LEDGER_POSTGRES_POOL_SIZE": "2",  # many tests, one PostgreSQL
            }
        )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    built = build_services(settings, clock=clock)
    yield built
    built.close()


@pytest.fixture
def projector(services: Services) -> Iterator[BackgroundProjector]:
    running = BackgroundProjector(services.projector()).start()
    yield running
    running.stop()


@pytest.fixture
def app(services: Services, projector: BackgroundProjector) -> Flask:
    return create_app(services=services)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def admin_token(services: Services) -> str:
    return services.ledger.create_admin_token("alice")
