"""Edits made behind the ledger's back, directly in its tables, as an attacker with SQL would."""

import sqlite3
from collections.abc import Callable

import psycopg
from psycopg.sql import SQL, Identifier

from infrastructure.persistence import event_store_env
from infrastructure.services import Services

Edit = Callable[[bytes], bytes]


def execute(services: Services, sqlite_sql: str, postgres_sql: str, params: tuple = ()) -> None:
    env = event_store_env(services.settings)
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        with sqlite3.connect(env["SQLITE_DBNAME"]) as connection:
            connection.execute(sqlite_sql, params)
    else:
        url = services.settings.database_url.partition("?")[0]
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                SQL(postgres_sql.replace("?", "%s")).format(
                    schema=Identifier(env["POSTGRES_SCHEMA"])
                ),
                params,
            )


def fetch_state(services: Services, table: str, version: int) -> bytes:
    env = event_store_env(services.settings)
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        with sqlite3.connect(env["SQLITE_DBNAME"]) as connection:
            (state,) = connection.execute(
                f"SELECT state FROM {SQLITE_TABLES[table]} WHERE originator_version = ? "
                "AND originator_id IN (SELECT originator_id FROM stored_events "
                "WHERE topic = 'domain.tenant:Tenant.Registered')",
                (version,),
            ).fetchone()
            return bytes(state)
    url = services.settings.database_url.partition("?")[0]
    with psycopg.connect(url) as connection:
        query = SQL(
            "SELECT state FROM {schema}.{table} WHERE originator_version = %s AND originator_id IN "
            "(SELECT originator_id FROM {schema}.ledger_events "
            "WHERE topic = 'domain.tenant:Tenant.Registered')"
        ).format(
            schema=Identifier(env["POSTGRES_SCHEMA"]), table=Identifier(POSTGRES_TABLES[table])
        )
        return bytes(connection.execute(query, (version,)).fetchone()[0])


SQLITE_TABLES = {"events": "stored_events", "snapshots": "stored_snapshots"}
POSTGRES_TABLES = {"events": "ledger_events", "snapshots": "ledger_snapshots"}


def set_tenant_row(services: Services, table: str, version: int, **columns: object) -> None:
    """Set columns of the tenant's row at a version (state, topic, originator_version)."""
    assignments = ", ".join(f"{name} = ?" for name in columns)
    where = (
        "WHERE originator_version = ? AND originator_id IN (SELECT originator_id FROM {events} "
        "WHERE topic = 'domain.tenant:Tenant.Registered')"
    )
    execute(
        services,
        f"UPDATE {SQLITE_TABLES[table]} SET {assignments} " + where.format(events="stored_events"),
        "UPDATE {schema}."
        + POSTGRES_TABLES[table]
        + f" SET {assignments} "
        + where.format(events="{schema}.ledger_events"),
        (*columns.values(), version),
    )
