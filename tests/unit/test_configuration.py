import base64
import os
import stat
from pathlib import Path

import pytest

from infrastructure.keys import load_pepper, load_signing_key, new_private_key_pem
from infrastructure.persistence import event_store_env, view_env
from infrastructure.settings import ConfigurationError, Settings


def settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_environ({"LEDGER_DATA_DIR": str(tmp_path / "var"), **env})


def test_the_embedded_default_is_a_sqlite_file_under_the_data_dir(tmp_path: Path) -> None:
    env = event_store_env(settings(tmp_path))
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(tmp_path / "var" / "ledger.db")
    assert view_env(settings(tmp_path))["SQLITE_DBNAME"] == str(
        tmp_path / "var" / "ledger-views.db"
    )


def test_a_postgres_url_becomes_the_librarys_keys(tmp_path: Path) -> None:
    url = "postgresql://ledger:s3cret@db.internal:6543/billing?schema=ledger"
    env = event_store_env(settings(tmp_path, LEDGER_DATABASE_URL=url))
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db.internal", "6543")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("ledger", "s3cret")
    assert (env["POSTGRES_DBNAME"], env["POSTGRES_SCHEMA"]) == ("billing", "ledger")
    assert env["POSTGRES_LOCK_TIMEOUT"] != "0"


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite:relative.db", "nonsense"])
def test_an_unknown_database_url_is_a_configuration_error(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigurationError, match="LEDGER_DATABASE_URL"):
        event_store_env(settings(tmp_path, LEDGER_DATABASE_URL=url))


def test_development_keys_are_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = load_signing_key(settings(tmp_path))
    again = load_signing_key(settings(tmp_path))
    assert first.kid == again.kid
    assert load_pepper(settings(tmp_path)) == load_pepper(settings(tmp_path))
    for name in ("signing-key.pem", "pepper"):
        mode = stat.S_IMODE(os.stat(tmp_path / "var" / "keys" / name).st_mode)
        assert mode == 0o600


@pytest.mark.parametrize("loader", [load_signing_key, load_pepper])
def test_production_refuses_to_start_without_configured_keys(tmp_path: Path, loader) -> None:
    with pytest.raises(ConfigurationError, match="LEDGER_ENV=production"):
        loader(settings(tmp_path, LEDGER_ENV="production"))
    assert not (tmp_path / "var" / "keys").exists()


def test_production_takes_keys_from_configuration(tmp_path: Path) -> None:
    pem = new_private_key_pem()
    pepper = base64.urlsafe_b64encode(os.urandom(32)).decode()
    key_file = tmp_path / "key.pem"
    key_file.write_text(pem)
    configured = settings(
        tmp_path,
        LEDGER_ENV="production",
        LEDGER_SIGNING_KEY_FILE=str(key_file),
        LEDGER_SECRET_PEPPER=pepper,
    )
    assert load_signing_key(configured).kid
    assert load_pepper(configured) == base64.urlsafe_b64decode(pepper)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LEDGER_SIGNING_KEY", "not a key", "PEM"),
        ("LEDGER_SECRET_PEPPER", base64.urlsafe_b64encode(b"short").decode(), "32 bytes"),
    ],
)
def test_bad_key_material_is_a_clear_configuration_error(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    loader = load_signing_key if name == "LEDGER_SIGNING_KEY" else load_pepper
    with pytest.raises(ConfigurationError, match=message):
        loader(settings(tmp_path, **{name: value}))
