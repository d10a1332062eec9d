from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier

from application.ledger import TenantLedger
from application.views import Completion, TenantRow, TenantsView

_LEDGER = TenantLedger.name
_COLUMNS = SQL(
    "tenant_id, app_name, canonical_name, contact_email, webhook_url, environment, "
    "sandbox, status, secret_version, created_at, updated_at"
)


class PostgresTenantsView(PostgresTrackingRecorder, TenantsView):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._table = SQL("{}.{}").format(Identifier(datastore.schema), Identifier("tenants"))
        self._insert = SQL("INSERT INTO {} ({}) VALUES ({})").format(
            self._table, _COLUMNS, SQL(", ").join([SQL("%s")] * 11)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                "tenant_id uuid PRIMARY KEY, app_name text NOT NULL, "
                "canonical_name text NOT NULL UNIQUE, contact_email text NOT NULL, "
                "webhook_url text NOT NULL, environment text NOT NULL, sandbox boolean NOT NULL, "
                "status text NOT NULL, secret_version integer NOT NULL, "
                "created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)"
            ).format(self._table)
        )

    def insert_tenant(self, row: TenantRow, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._insert, _values(row))
            self._insert_tracking(cursor, tracking)

    def update_secret_version(
        self, tenant_id: UUID, secret_version: int, updated_at: datetime, tracking: Tracking
    ) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "UPDATE {} SET secret_version = %s, updated_at = %s WHERE tenant_id = %s"
                ).format(self._table),
                (secret_version, updated_at, tenant_id),
            )
            self._insert_tracking(cursor, tracking)

    def update_status(
        self, tenant_id: UUID, status: str, updated_at: datetime, tracking: Tracking
    ) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL("UPDATE {} SET status = %s, updated_at = %s WHERE tenant_id = %s").format(
                    self._table
                ),
                (status, updated_at, tenant_id),
            )
            self._insert_tracking(cursor, tracking)

    def get_tenant(self, tenant_id: UUID) -> TenantRow | None:
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(
                SQL("SELECT {} FROM {} WHERE tenant_id = %s").format(_COLUMNS, self._table),
                (tenant_id,),
                prepare=True,
            )
            found = cursor.fetchone()
        return _row(found) if found else None

    def list_tenants(self, *, after: str | None, limit: int) -> list[TenantRow]:
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(
                SQL(
                    "SELECT {} FROM {} WHERE canonical_name > %s ORDER BY canonical_name LIMIT %s"
                ).format(_COLUMNS, self._table),
                (after or "", limit),
            )
            return [_row(found) for found in cursor.fetchall()]

    def replace_all(self, complete: Completion) -> None:
        tracking = SQL("{}.{}").format(
            Identifier(self.datastore.schema), Identifier(self.tracking_table_name)
        )
        with self.datastore.transaction(commit=True) as cursor:
            # EXCLUSIVE blocks other writers (the projector) but not readers, who keep seeing
            # the old rows until the commit.
            cursor.execute(SQL("LOCK TABLE {}, {} IN EXCLUSIVE MODE").format(self._table, tracking))
            cursor.execute(
                SQL("SELECT notification_id FROM {} WHERE application_name = %s").format(tracking),
                (_LEDGER,),
            )
            found = cursor.fetchone()
            live_position = found["notification_id"] if found else 0
            cursor.execute(
                SQL("SELECT {} FROM {} ORDER BY canonical_name").format(_COLUMNS, self._table)
            )
            replacement = complete(live_position, [_row(row) for row in cursor.fetchall()])
            if replacement is None:
                return
            rows, position = replacement
            cursor.execute(SQL("DELETE FROM {}").format(self._table))
            cursor.executemany(self._insert, [_values(row) for row in rows])
            cursor.execute(
                SQL(
                    "INSERT INTO {} VALUES (%s, %s) ON CONFLICT (application_name) "
                    "DO UPDATE SET notification_id = excluded.notification_id"
                ).format(tracking),
                (_LEDGER, position),
            )


def _values(row: TenantRow) -> tuple[Any, ...]:
    return (
        row.tenant_id,
        row.app_name,
        row.canonical_name,
        row.contact_email,
        row.webhook_url,
        row.environment,
        row.sandbox,
        row.status,
        row.secret_version,
        row.created_at,
        row.updated_at,
    )


def _row(found: Any) -> TenantRow:
    return TenantRow(
        tenant_id=found["tenant_id"],
        app_name=found["app_name"],
        canonical_name=found["canonical_name"],
        contact_email=found["contact_email"],
        webhook_url=found["webhook_url"],
        environment=found["environment"],
        sandbox=found["sandbox"],
        status=found["status"],
        secret_version=found["secret_version"],
        created_at=found["created_at"],
        updated_at=found["updated_at"],
    )
