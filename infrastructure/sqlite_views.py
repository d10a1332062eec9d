from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from application.ledger import TenantLedger
from application.views import Completion, TenantRow, TenantsView

_LEDGER = TenantLedger.name
_COLUMNS = (
    "tenant_id, app_name, canonical_name, contact_email, webhook_url, environment, "
    "sandbox, status, secret_version, created_at, updated_at"
)
_INSERT = f"INSERT INTO tenants ({_COLUMNS}) VALUES ({', '.join('?' * 11)})"  # noqa: S608
_SELECT_ONE = f"SELECT {_COLUMNS} FROM tenants WHERE tenant_id = ?"  # noqa: S608 - fixed columns
_SELECT_ALL = f"SELECT {_COLUMNS} FROM tenants ORDER BY canonical_name"  # noqa: S608
_SELECT_PAGE = (
    f"SELECT {_COLUMNS} FROM tenants WHERE canonical_name > ? "  # noqa: S608 - fixed columns
    "ORDER BY canonical_name LIMIT ?"
)


class SQLiteTenantsView(SQLiteTrackingRecorder, TenantsView):
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.create_table_statements.append(
            "CREATE TABLE IF NOT EXISTS tenants ("
            "tenant_id TEXT PRIMARY KEY, app_name TEXT NOT NULL, "
            "canonical_name TEXT NOT NULL UNIQUE, contact_email TEXT NOT NULL, "
            "webhook_url TEXT NOT NULL, environment TEXT NOT NULL, sandbox INTEGER NOT NULL, "
            "status TEXT NOT NULL, secret_version INTEGER NOT NULL, "
            "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
        )

    def insert_tenant(self, row: TenantRow, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(_INSERT, _values(row))
            self._insert_tracking(cursor, tracking)

    def update_secret_version(
        self, tenant_id: UUID, secret_version: int, updated_at: datetime, tracking: Tracking
    ) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "UPDATE tenants SET secret_version = ?, updated_at = ? WHERE tenant_id = ?",
                (secret_version, updated_at.isoformat(), str(tenant_id)),
            )
            self._insert_tracking(cursor, tracking)

    def update_status(
        self, tenant_id: UUID, status: str, updated_at: datetime, tracking: Tracking
    ) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "UPDATE tenants SET status = ?, updated_at = ? WHERE tenant_id = ?",
                (status, updated_at.isoformat(), str(tenant_id)),
            )
            self._insert_tracking(cursor, tracking)

    def get_tenant(self, tenant_id: UUID) -> TenantRow | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(_SELECT_ONE, (str(tenant_id),))
            found = cursor.fetchone()
        return _row(found) if found else None

    def list_tenants(self, *, after: str | None, limit: int) -> list[TenantRow]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(_SELECT_PAGE, (after or "", limit))
            return [_row(found) for found in cursor.fetchall()]

    def replace_all(self, complete: Completion) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            # A write first, so this transaction holds SQLite's write lock from here on;
            # readers keep seeing the old rows (WAL) until the commit.
            cursor.execute(
                "UPDATE tracking SET notification_id = notification_id WHERE application_name = ?",
                (_LEDGER,),
            )
            cursor.execute(self.select_max_tracking_id_statement, (_LEDGER,))
            live_position = cursor.fetchone()[0] or 0
            cursor.execute(_SELECT_ALL)
            replacement = complete(live_position, [_row(found) for found in cursor.fetchall()])
            if replacement is None:
                return
            rows, position = replacement
            cursor.execute("DELETE FROM tenants")
            cursor.executemany(_INSERT, [_values(row) for row in rows])
            cursor.execute(
                "INSERT INTO tracking VALUES (?, ?) ON CONFLICT (application_name) "
                "DO UPDATE SET notification_id = excluded.notification_id",
                (_LEDGER, position),
            )


def _values(row: TenantRow) -> tuple[Any, ...]:
    return (
        str(row.tenant_id),
        row.app_name,
        row.canonical_name,
        row.contact_email,
        row.webhook_url,
        row.environment,
        int(row.sandbox),
        row.status,
        row.secret_version,
        row.created_at.isoformat(),
        row.updated_at.isoformat(),
    )


def _row(found: Any) -> TenantRow:
    return TenantRow(
        tenant_id=UUID(found["tenant_id"]),
        app_name=found["app_name"],
        canonical_name=found["canonical_name"],
        contact_email=found["contact_email"],
        webhook_url=found["webhook_url"],
        environment=found["environment"],
        sandbox=bool(found["sandbox"]),
        status=found["status"],
        secret_version=found["secret_version"],
        created_at=datetime.fromisoformat(found["created_at"]),
        updated_at=datetime.fromisoformat(found["updated_at"]),
    )
