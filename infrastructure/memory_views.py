import dataclasses
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.popo import POPOTrackingRecorder

from application.ledger import TenantLedger
from application.views import Completion, TenantRow, TenantsView

_LEDGER = TenantLedger.name


class MemoryTenantsView(POPOTrackingRecorder, TenantsView):
    """For the in-memory store: the same contract as the SQL views, kept in a dict."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self._rows: dict[UUID, TenantRow] = {}

    def insert_tenant(self, row: TenantRow, tracking: Tracking) -> None:
        with self._database_lock:
            self._assert_tracking_uniqueness(tracking)
            self._rows[row.tenant_id] = row
            self._insert_tracking(tracking)

    def update_secret_version(
        self, tenant_id: UUID, secret_version: int, updated_at: datetime, tracking: Tracking
    ) -> None:
        with self._database_lock:
            self._assert_tracking_uniqueness(tracking)
            self._rows[tenant_id] = dataclasses.replace(
                self._rows[tenant_id], secret_version=secret_version, updated_at=updated_at
            )
            self._insert_tracking(tracking)

    def update_status(
        self, tenant_id: UUID, status: str, updated_at: datetime, tracking: Tracking
    ) -> None:
        with self._database_lock:
            self._assert_tracking_uniqueness(tracking)
            self._rows[tenant_id] = dataclasses.replace(
                self._rows[tenant_id], status=status, updated_at=updated_at
            )
            self._insert_tracking(tracking)

    def get_tenant(self, tenant_id: UUID) -> TenantRow | None:
        with self._database_lock:
            return self._rows.get(tenant_id)

    def list_tenants(self, *, after: str | None, limit: int) -> list[TenantRow]:
        with self._database_lock:
            rows = sorted(self._rows.values(), key=lambda row: row.canonical_name)
        return [row for row in rows if row.canonical_name > (after or "")][:limit]

    def replace_all(self, complete: Completion) -> None:
        with self._database_lock:
            live_rows = sorted(self._rows.values(), key=lambda row: row.canonical_name)
            replacement = complete(self._max_tracking_ids[_LEDGER] or 0, live_rows)
            if replacement is not None:
                rows, position = replacement
                self._rows = {row.tenant_id: row for row in rows}
                self._max_tracking_ids[_LEDGER] = position
