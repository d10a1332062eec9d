import json
from uuid import UUID

import pytest
from click.testing import CliRunner

from api.cli import cli
from infrastructure.services import Services

REGISTER = [
    "tenants",
    "register",
    "--app-name",
    "cli-app",
    "--contact-email",
    "ops@cli.app",
    "--webhook-url",
    "https://cli.app/hooks",
    "--environment",
    "staging",
    "--sandbox",
    "--actor",
    "dana",
]


def test_create_token_prints_only_a_working_token(runner: CliRunner, ledger: Services) -> None:
    result = runner.invoke(cli, ["admin", "create-token", "alice"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert ledger.ledger.authenticate_admin(lines[0]) == "alice"


def test_create_token_refuses_a_bad_name(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["admin", "create-token", "bad name!"])
    assert result.exit_code == 1
    assert "admin name" in result.stderr


def test_register_prints_the_credentials_as_json(runner: CliRunner, ledger: Services) -> None:
    result = runner.invoke(cli, REGISTER)
    assert result.exit_code == 0, result.output
    credentials = json.loads(result.stdout)
    assert credentials["appName"] == "cli-app"
    assert credentials["sandbox"] is True
    login = ledger.ledger.login("cli-app", credentials["appSecret"], client_ip=None)
    assert str(login.tenant_id) == credentials["appId"]
    registered = next(iter(ledger.ledger.events.get(UUID(credentials["appId"]))))
    assert registered.registered_by == "dana"


def test_register_refuses_bad_input_with_the_reason(runner: CliRunner) -> None:
    bad = [a if a != "https://cli.app/hooks" else "http://cli.app/hooks" for a in REGISTER]
    result = runner.invoke(cli, bad)
    assert result.exit_code == 1
    assert "webhookUrl" in result.stderr


def test_register_refuses_a_taken_name(runner: CliRunner) -> None:
    assert runner.invoke(cli, REGISTER).exit_code == 0
    again = runner.invoke(cli, [a if a != "cli-app" else "CLI-APP" for a in REGISTER])
    assert again.exit_code == 1
    assert "already registered" in again.stderr


def test_rotate_secret_prints_the_new_secret(runner: CliRunner, ledger: Services) -> None:
    credentials = json.loads(runner.invoke(cli, REGISTER).stdout)
    result = runner.invoke(cli, ["tenants", "rotate-secret", credentials["appId"]])
    assert result.exit_code == 0, result.output
    rotated = json.loads(result.stdout)
    assert rotated["secretVersion"] == 2
    ledger.ledger.login("cli-app", rotated["appSecret"], client_ip=None)


def test_rotate_secret_of_an_unknown_tenant_fails_cleanly(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["tenants", "rotate-secret", "00000000-0000-4000-8000-000000000000"]
    )
    assert result.exit_code == 1
    assert "no tenant" in result.stderr


def test_projections_rebuild_replays_every_event(runner: CliRunner, ledger: Services) -> None:
    credentials = json.loads(runner.invoke(cli, REGISTER).stdout)
    result = runner.invoke(cli, ["projections", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "from 2 events" in result.stdout
    row = ledger.view.get_tenant(UUID(credentials["appId"]))
    assert row is not None and row.app_name == "cli-app"


def test_production_without_keys_refuses_with_a_clear_message(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.cli import main

    monkeypatch.setenv("LEDGER_ENV", "production")
    monkeypatch.setattr("sys.argv", ["ledger", "admin", "create-token", "alice"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2


@pytest.mark.parametrize("actor", ["", "two words", "line\nbreak"])
def test_an_unrecordable_actor_is_refused(runner: CliRunner, actor: str) -> None:
    result = runner.invoke(cli, [*REGISTER[:-1], actor])
    assert result.exit_code == 2
    assert "--actor" in result.stderr


def test_an_unreachable_database_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from api.cli import main

    monkeypatch.setenv("LEDGER_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/test")
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.argv", ["ledger", "admin", "create-token", "alice"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
