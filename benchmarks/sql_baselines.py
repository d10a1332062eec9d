"""The floor under each request: one plain-SQL write and one primary-key read on the same
database, through the same driver the event store uses."""

import os
import sqlite3
from pathlib import Path
from typing import Protocol

import psycopg
from psycopg.sql import SQL, Identifier

PAYLOAD = os.urandom(400)


class SqlBaseline(Protocol):
    def insert_commit(self) -> None: ...

    def select_by_key(self) -> None: ...

    def close(self) -> None: ...


class SQLiteBaseline:
    """Autocommit connection with explicit BEGIN/COMMIT in WAL mode, as the event store has."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(
            "CREATE TABLE bench_baseline (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)"
        )
        self.insert_commit()

    def insert_commit(self) -> None:
        self._connection.execute("BEGIN")
        self._connection.execute("INSERT INTO bench_baseline (payload) VALUES (?)", (PAYLOAD,))
        self._connection.execute("COMMIT")

    def select_by_key(self) -> None:
        self._connection.execute("SELECT payload FROM bench_baseline WHERE id = 1").fetchone()

    def close(self) -> None:
        self._connection.close()


class PostgresBaseline:
    """Autocommit: the INSERT commits in the same round trip, the SELECT opens no transaction."""

    def __init__(self, conninfo: str, schema: str) -> None:
        self._connection = psycopg.connect(conninfo, autocommit=True)
        self._table = Identifier(schema, "bench_baseline")
        self._connection.execute(
            SQL("CREATE TABLE {} (id BIGSERIAL PRIMARY KEY, payload BYTEA NOT NULL)").format(
                self._table
            )
        )
        self._insert = SQL("INSERT INTO {} (payload) VALUES (%s)").format(self._table)
        self._select = SQL("SELECT payload FROM {} WHERE id = %s").format(self._table)
        self.insert_commit()

    def insert_commit(self) -> None:
        self._connection.execute(self._insert, (PAYLOAD,))

    def select_by_key(self) -> None:
        self._connection.execute(self._select, (1,)).fetchone()

    def close(self) -> None:
        self._connection.close()
