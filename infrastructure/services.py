"""Builds the running parts from settings. Called once per process (after gunicorn forks),
never at import time."""

from dataclasses import dataclass

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from application.audit import TenantAudit
from application.clock import Clock
from application.credentials import EventSealer, SecretHasher
from application.failed_logins import FailedLogins
from application.ledger import TenantLedger
from application.projection import TenantsProjection
from application.projector import Projector
from application.queries import TenantQueries
from application.tokens import AccessTokens
from application.views import TenantsView
from infrastructure.clock import SystemClock
from infrastructure.failed_login_stores import (
    MemoryFailedLogins,
    PostgresFailedLogins,
    SQLiteFailedLogins,
)
from infrastructure.keys import (
    RotatingKeys,
    load_pepper,
    load_signing_key,
    signing_keys_directory,
)
from infrastructure.memory_views import MemoryTenantsView
from infrastructure.persistence import event_store_env, prepare_storage, view_env
from infrastructure.postgres_views import PostgresTenantsView
from infrastructure.settings import Settings
from infrastructure.sqlite_views import SQLiteTenantsView
from infrastructure.webhook_destinations import check_public_destination


@dataclass
class Services:
    settings: Settings
    ledger: TenantLedger
    view: TenantsView
    queries: TenantQueries
    tokens: AccessTokens
    audit: TenantAudit

    def projector(self) -> Projector:
        # The in-memory store's subscription can miss an event recorded while it starts.
        return Projector(
            self.ledger, TenantsProjection(self.view), subscribe=self.settings.uses_postgres
        )

    def close(self) -> None:
        self.ledger.close()
        datastore = getattr(self.view, "datastore", None)  # the in-memory view has none
        if datastore is not None:
            datastore.close()


def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """Touches the database only to create what is missing (unless settings say not to)."""
    if settings.create_tables:
        prepare_storage(settings)
    clock = clock or SystemClock()
    keys = RotatingKeys(load_signing_key(settings), signing_keys_directory(settings), clock)
    tokens = AccessTokens(keys, settings.issuer, settings.audience)
    pepper = load_pepper(settings)
    view = build_tenants_view(settings)
    ledger = TenantLedger(
        event_store_env(settings),
        hasher=SecretHasher(pepper),
        sealer=EventSealer(pepper),
        tokens=tokens,
        clock=clock,
        failed_logins=failed_logins_beside(view, create_table=settings.create_tables),
        check_production_webhook=check_public_destination,
    )
    queries = TenantQueries(ledger, view, wait_timeout_seconds=settings.view_wait_seconds)
    return Services(
        settings=settings,
        ledger=ledger,
        view=view,
        queries=queries,
        tokens=tokens,
        audit=TenantAudit(ledger),
    )


def failed_logins_beside(view: TenantsView, *, create_table: bool) -> FailedLogins:
    """Failed-login counts live in the read model's database."""
    store: FailedLogins
    if isinstance(view, PostgresTenantsView):
        store = PostgresFailedLogins(view.datastore)
    elif isinstance(view, SQLiteTenantsView):
        store = SQLiteFailedLogins(view.datastore)
    else:
        return MemoryFailedLogins()
    if create_table:
        store.create_table()
    return store


def build_tenants_view(settings: Settings) -> TenantsView:
    env = view_env(settings)
    module = env["PERSISTENCE_MODULE"]
    view_class = {
        "eventsourcing.popo": MemoryTenantsView,
        "eventsourcing.postgres": PostgresTenantsView,
        "eventsourcing.sqlite": SQLiteTenantsView,
    }[module]
    factory = InfrastructureFactory.construct(env=Environment(TenantsProjection.name, env))
    return factory.tracking_recorder(view_class)
