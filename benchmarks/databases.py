"""The databases a run measures: a fresh SQLite file and, when reachable, a fresh PostgreSQL
schema that is dropped afterwards. Both only on 127.0.0.1."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg.sql import SQL, Identifier

from benchmarks.sql_baselines import PostgresBaseline, SqlBaseline, SQLiteBaseline

POSTGRES_CONNINFO = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
# The benchmarks measure the ledger, not the rate limiter: one client sends thousands of logins.
UNLIMITED = {
    "LEDGER_LOGIN_LIMIT_PER_IP": "100000000/minute",
    "LEDGER_LOGIN_FAILURE_LIMIT_PER_APP": "100000000/minute",
    "LEDGER_LOGIN_FAILURE_LIMIT_PER_APP_AND_IP": "100000000/minute",
    "LEDGER_ADMIN_LIMIT": "100000000/minute",
}


@dataclass(frozen=True)
class Database:
    name: str
    environ: dict[str, str]
    baseline: SqlBaseline

    @property
    def url(self) -> str:
        return self.environ["LEDGER_DATABASE_URL"]

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql://")


def postgres_unreachable_reason() -> str | None:
    try:
        with psycopg.connect(POSTGRES_CONNINFO) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"PostgreSQL at 127.0.0.1:5432 is not reachable: {' '.join(str(error).split())}"
    return None


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[Database]:
    data_dir = workdir / "sqlite"
    data_dir.mkdir()
    path = data_dir / "ledger.db"
    baseline = SQLiteBaseline(path)
    environ = {
        "LEDGER_DATABASE_URL": f"sqlite:///{path}",
        "LEDGER_DATA_DIR": str(data_dir),
        **UNLIMITED,
    }
    try:
        yield Database("SQLite", environ, baseline)
    finally:
        baseline.close()


@contextmanager
def postgres_database(workdir: Path) -> Iterator[Database]:
    data_dir = workdir / "postgres"
    data_dir.mkdir()
    schema = f"ledger_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_CONNINFO, autocommit=True) as connection:
        connection.execute(SQL("CREATE SCHEMA {}").format(Identifier(schema)))
    try:
        baseline = PostgresBaseline(POSTGRES_CONNINFO, schema)
        environ = {
            **UNLIMITED,
            "LEDGER_DATABASE_URL": f"{POSTGRES_URL}?schema={schema}",
            "LEDGER_DATA_DIR": str(data_dir),
        }
        try:
            yield Database("PostgreSQL", environ, baseline)
        finally:
            baseline.close()
    finally:
        _drop_schema(schema)


def _drop_schema(schema: str) -> None:
    with psycopg.connect(POSTGRES_CONNINFO, autocommit=True) as connection:
        connection.execute("SET lock_timeout = '10s'")
        connection.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(schema)))
