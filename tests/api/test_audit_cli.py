import json
import sqlite3

import pytest
from click.testing import CliRunner

from api.cli import cli
from infrastructure.persistence import event_store_env
from infrastructure.services import Services
from tests.application.helpers import register


def test_audit_shows_a_table_or_json(runner: CliRunner, ledger: Services) -> None:
    issued = register(ledger, actor="alice")
    ledger.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    table = runner.invoke(cli, ["audit", str(issued.tenant.tenant_id)])
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert "TenantRegistered" in lines[1] and "alice" in lines[1]
    assert "SecretRotated" in lines[2] and "bob" in lines[2]
    as_json = json.loads(
        runner.invoke(cli, ["audit", str(issued.tenant.tenant_id), "--json"]).stdout
    )
    assert [e["type"] for e in as_json] == ["TenantRegistered", "SecretRotated"]
    assert issued.app_secret not in table.stdout


def test_audit_at_and_between(runner: CliRunner, ledger: Services) -> None:
    issued = register(ledger)
    registered_at = issued.tenant.created_at.isoformat()
    state = runner.invoke(
        cli, ["audit", str(issued.tenant.tenant_id), "--at", registered_at, "--json"]
    )
    assert state.exit_code == 0, state.output
    assert json.loads(state.stdout)["secretVersion"] == 1
    changes = runner.invoke(
        cli,
        [
            "audit",
            str(issued.tenant.tenant_id),
            "--from",
            "2000-01-01T00:00:00Z",
            "--to",
            registered_at,
            "--json",
        ],
    )
    assert [e["type"] for e in json.loads(changes.stdout)] == ["TenantRegistered"]


@pytest.mark.parametrize(
    "arguments",
    [["--at", "2025-01-01T00:00:00"], ["--at", "soon"], ["--from", "2025-01-01T00:00:00Z"]],
)
def test_audit_refuses_bad_moments(runner: CliRunner, ledger: Services, arguments) -> None:
    issued = register(ledger)
    result = runner.invoke(cli, ["audit", str(issued.tenant.tenant_id), *arguments])
    assert result.exit_code == 2
    assert "Error" in result.stderr


def test_audit_export_writes_json_lines(runner: CliRunner, ledger: Services) -> None:
    first, second = register(ledger, "acme"), register(ledger, "globex")
    ledger.ledger.login("acme", first.app_secret, client_ip=None)
    result = runner.invoke(cli, ["audit", "export"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["tenantId"], line["version"]) for line in lines] == [
        (str(first.tenant.tenant_id), 1),
        (str(second.tenant.tenant_id), 1),
        (str(first.tenant.tenant_id), 2),
    ]
    assert "exported 3 events" in result.stderr


def test_verify_exits_1_naming_the_broken_link(
    runner: CliRunner, ledger: Services, store: str
) -> None:
    issued = register(ledger)
    ok = runner.invoke(cli, ["verify"])
    assert ok.exit_code == 0 and ok.stdout.startswith("intact")
    if store == "sqlite":
        with sqlite3.connect(event_store_env(ledger.settings)["SQLITE_DBNAME"]) as connection:
            connection.execute(
                "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), "
                "'acme.io', 'evil.io') AS BLOB)"
            )
    else:
        import psycopg

        schema = event_store_env(ledger.settings)["POSTGRES_SCHEMA"]
        with psycopg.connect(ledger.settings.database_url.partition("?")[0]) as connection:
            connection.execute(
                f"UPDATE {schema}.ledger_events SET state = convert_to(replace("
                "convert_from(state, 'UTF8'), 'acme.io', 'evil.io'), 'UTF8')"
            )
    broken = runner.invoke(cli, ["verify"])
    assert broken.exit_code == 1
    assert f"tenant {issued.tenant.tenant_id} version 1" in broken.stdout


def test_rebuild_verify_and_status(runner: CliRunner, ledger: Services) -> None:
    register(ledger)
    rebuilt = runner.invoke(cli, ["projections", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "events/s" not in rebuilt.stdout and "/s)" in rebuilt.stdout
    verified = runner.invoke(cli, ["projections", "rebuild", "--verify"])
    assert verified.exit_code == 0 and "0 differences" in verified.stdout
    status = runner.invoke(cli, ["projections", "status"])
    assert status.stdout.splitlines()[1].split() == ["tenants", "2", "2", "0"]


def run_main(monkeypatch: pytest.MonkeyPatch, *arguments: str) -> int:
    from api.cli import main

    monkeypatch.setattr("sys.argv", ["ledger", *arguments])
    with pytest.raises(SystemExit) as exited:
        main()
    return exited.value.code


@pytest.mark.parametrize("store", ["sqlite"])
def test_read_only_commands_create_nothing_where_a_setting_is_wrong(
    monkeypatch: pytest.MonkeyPatch, tmp_path, ledger: Services
) -> None:
    missing = tmp_path / "elsewhere" / "ledger.db"
    monkeypatch.setenv("LEDGER_DATABASE_URL", f"sqlite:///{missing}")
    monkeypatch.setenv("LEDGER_DATA_DIR", str(ledger.settings.data_dir))
    assert run_main(monkeypatch, "verify") == 2
    assert not missing.exists()
    monkeypatch.setenv("LEDGER_DATABASE_URL", ledger.settings.database_url)
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path / "wrong-data-dir"))
    assert run_main(monkeypatch, "verify") == 2
    assert not (tmp_path / "wrong-data-dir").exists()


@pytest.mark.parametrize("store", ["postgres"])
def test_a_mistyped_schema_is_an_error_not_an_empty_intact_store(
    monkeypatch: pytest.MonkeyPatch, ledger: Services
) -> None:
    url = ledger.settings.database_url.replace("?schema=", "?schema=typo_")
    monkeypatch.setenv("LEDGER_DATABASE_URL", url)
    monkeypatch.setenv("LEDGER_DATA_DIR", str(ledger.settings.data_dir))
    assert run_main(monkeypatch, "audit", "export") == 2
