"""Builds the tenants read model from the ledger's events, one handler per event type."""

from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from application.views import TenantRow, TenantsView
from domain.app_name import canonical_app_name
from domain.tenant import Tenant, TenantStatus


class TenantsProjection(Projection[TenantsView]):
    name = "tenants"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def _(self, domain_event: Tenant.Registered, tracking: Tracking) -> None:
        row = TenantRow(
            tenant_id=domain_event.originator_id,
            app_name=domain_event.app_name,
            canonical_name=canonical_app_name(domain_event.app_name),
            contact_email=domain_event.contact_email,
            webhook_url=domain_event.webhook_url,
            environment=domain_event.environment,
            sandbox=domain_event.sandbox,
            status=TenantStatus.ACTIVE.value,
            secret_version=1,
            created_at=domain_event.timestamp,
            updated_at=domain_event.timestamp,
        )
        self.view.insert_tenant(row, tracking)

    @process_event.register
    def _(self, domain_event: Tenant.SecretRotated, tracking: Tracking) -> None:
        self.view.update_secret_version(
            domain_event.originator_id,
            domain_event.secret_version,
            domain_event.timestamp,
            tracking,
        )

    @process_event.register
    def _(self, domain_event: Tenant.Suspended, tracking: Tracking) -> None:
        self.view.update_status(
            domain_event.originator_id,
            TenantStatus.SUSPENDED.value,
            domain_event.timestamp,
            tracking,
        )

    @process_event.register
    def _(self, domain_event: Tenant.Reactivated, tracking: Tracking) -> None:
        self.view.update_status(
            domain_event.originator_id, TenantStatus.ACTIVE.value, domain_event.timestamp, tracking
        )
