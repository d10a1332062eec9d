from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from infrastructure.services import Services, build_services
from infrastructure.settings import Settings


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Runs `ledger` commands against the test's store."""
    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_DATA_DIR", str(settings.data_dir))
    return CliRunner()


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Services]:
    """The same store, opened as another process would: to set up and to check."""
    services = build_services(settings)
    yield services
    services.close()
