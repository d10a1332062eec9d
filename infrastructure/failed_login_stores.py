"""Where failed-login counts live: beside the read model, one row per tenant per hour."""

import json
import threading
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore, PostgresRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteRecorder
from psycopg.sql import SQL, Identifier

from application.failed_logins import FailedLogins, FailedLoginWindow, merged_ips, window_start

UNKNOWN = "unknown"  # the bucket for app names that are not registered


class MemoryFailedLogins(FailedLogins):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[UUID | None, datetime], FailedLoginWindow] = {}

    def record(self, tenant_id: UUID | None, at: datetime, client_ip: str | None) -> None:
        key = (tenant_id, window_start(at))
        with self._lock:
            known = self._windows.get(key)
            self._windows[key] = FailedLoginWindow(
                tenant_id=tenant_id,
                window_start=key[1],
                attempts=(known.attempts if known else 0) + 1,
                client_ips=merged_ips(known.client_ips if known else [], client_ip),
                last_attempt_at=at,
            )

    def windows(self, tenant_id: UUID | None, *, since: datetime) -> list[FailedLoginWindow]:
        with self._lock:
            found = [
                w
                for (owner, start), w in self._windows.items()
                if owner == tenant_id and start >= window_start(since)
            ]
        return sorted(found, key=lambda w: w.window_start)

    def prune(self, *, before: datetime) -> int:
        with self._lock:
            old = [key for key in self._windows if key[1] < before]
            for key in old:
                del self._windows[key]
        return len(old)


class SQLiteFailedLogins(SQLiteRecorder, FailedLogins):
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.create_table_statements.append(
            "CREATE TABLE IF NOT EXISTS failed_logins ("
            "tenant TEXT NOT NULL, window_start TEXT NOT NULL, attempts INTEGER NOT NULL, "
            "client_ips TEXT NOT NULL, last_attempt_at TEXT NOT NULL, "
            "PRIMARY KEY (tenant, window_start))"
        )

    def record(self, tenant_id: UUID | None, at: datetime, client_ip: str | None) -> None:
        key = (str(tenant_id or UNKNOWN), window_start(at).isoformat())
        with self.datastore.transaction(commit=True) as cursor:
            # Write first: the transaction then holds the write lock (waiting for it if need
            # be) instead of failing at once when a read would have to upgrade.
            cursor.execute(
                "INSERT INTO failed_logins VALUES (?, ?, 1, '[]', ?) "
                "ON CONFLICT (tenant, window_start) DO UPDATE SET attempts = attempts + 1, "
                "last_attempt_at = excluded.last_attempt_at",
                (*key, at.isoformat()),
            )
            cursor.execute(
                "SELECT client_ips FROM failed_logins WHERE tenant = ? AND window_start = ?", key
            )
            known = json.loads(cursor.fetchone()["client_ips"])
            merged = merged_ips(known, client_ip)
            if merged != known:
                cursor.execute(
                    "UPDATE failed_logins SET client_ips = ? WHERE tenant = ? AND window_start = ?",
                    (json.dumps(merged), *key),
                )

    def windows(self, tenant_id: UUID | None, *, since: datetime) -> list[FailedLoginWindow]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT * FROM failed_logins WHERE tenant = ? AND window_start >= ? "
                "ORDER BY window_start",
                (str(tenant_id or UNKNOWN), window_start(since).isoformat()),
            )
            return [
                FailedLoginWindow(
                    tenant_id=tenant_id,
                    window_start=datetime.fromisoformat(row["window_start"]),
                    attempts=row["attempts"],
                    client_ips=json.loads(row["client_ips"]),
                    last_attempt_at=datetime.fromisoformat(row["last_attempt_at"]),
                )
                for row in cursor.fetchall()
            ]

    def prune(self, *, before: datetime) -> int:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "DELETE FROM failed_logins WHERE window_start < ? RETURNING 1",
                (before.astimezone(UTC).isoformat(),),
            )
            return len(cursor.fetchall())


class PostgresFailedLogins(PostgresRecorder, FailedLogins):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._table = SQL("{}.{}").format(Identifier(datastore.schema), Identifier("failed_logins"))
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                "tenant text NOT NULL, window_start timestamptz NOT NULL, "
                "attempts integer NOT NULL, client_ips jsonb NOT NULL, "
                "last_attempt_at timestamptz NOT NULL, PRIMARY KEY (tenant, window_start))"
            ).format(self._table)
        )

    def record(self, tenant_id: UUID | None, at: datetime, client_ip: str | None) -> None:
        key = (str(tenant_id or UNKNOWN), window_start(at))
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "INSERT INTO {} VALUES (%s, %s, 0, '[]', %s) "
                    "ON CONFLICT (tenant, window_start) DO NOTHING"
                ).format(self._table),
                (*key, at),
            )
            cursor.execute(
                SQL(
                    "SELECT client_ips FROM {} WHERE tenant = %s AND window_start = %s FOR UPDATE"
                ).format(self._table),
                key,
            )
            ips = merged_ips(cursor.fetchone()["client_ips"], client_ip)
            cursor.execute(
                SQL(
                    "UPDATE {} SET attempts = attempts + 1, client_ips = %s, last_attempt_at = %s "
                    "WHERE tenant = %s AND window_start = %s"
                ).format(self._table),
                (json.dumps(ips), at, *key),
            )

    def windows(self, tenant_id: UUID | None, *, since: datetime) -> list[FailedLoginWindow]:
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(
                SQL(
                    "SELECT * FROM {} WHERE tenant = %s AND window_start >= %s "
                    "ORDER BY window_start"
                ).format(self._table),
                (str(tenant_id or UNKNOWN), window_start(since)),
            )
            return [
                FailedLoginWindow(
                    tenant_id=tenant_id,
                    window_start=row["window_start"],
                    attempts=row["attempts"],
                    client_ips=row["client_ips"],
                    last_attempt_at=row["last_attempt_at"],
                )
                for row in cursor.fetchall()
            ]

    def prune(self, *, before: datetime) -> int:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL("DELETE FROM {} WHERE window_start < %s").format(self._table), (before,)
            )
            return cursor.rowcount
