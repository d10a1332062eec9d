import dataclasses

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from application.errors import ViewNotReadyError
from application.projection import TenantsProjection
from application.projector import BackgroundProjector
from application.queries import TenantQueries
from infrastructure.services import Services
from tests.application.helpers import register


def test_the_view_shows_a_registered_tenant_once_caught_up(services: Services) -> None:
    issued = register(services, "Acme")
    assert services.projector().catch_up() == 2  # the tenant and its name index
    row = services.view.get_tenant(issued.tenant.tenant_id)
    assert row is not None
    assert (row.app_name, row.canonical_name, row.status) == ("Acme", "acme", "active")
    assert row.webhook_url == "https://acme.io/hooks"
    assert row.created_at == issued.tenant.created_at
    assert (row.environment, row.sandbox, row.secret_version) == ("staging", True, 1)


def test_rotation_moves_the_secret_version_in_the_view(services: Services) -> None:
    issued = register(services)
    services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    services.projector().catch_up()
    assert services.view.get_tenant(issued.tenant.tenant_id).secret_version == 2


def test_each_event_is_applied_exactly_once(services: Services) -> None:
    register(services)
    projector = services.projector()
    assert projector.catch_up() == 2
    assert projector.catch_up() == 0
    notification = services.ledger.recorder.select_notifications(start=1, limit=1)[0]
    event = services.ledger.mapper.to_domain_event(notification)
    with pytest.raises(IntegrityError):
        TenantsProjection(services.view).process_event(event, Tracking("ledger", notification.id))
    assert len(services.view.list_tenants(after=None, limit=10)) == 1


def test_tenants_are_listed_a_page_at_a_time_in_name_order(services: Services) -> None:
    for name in ("delta", "Alpha", "charlie", "bravo"):
        register(services, name)
    services.projector().catch_up()
    first = services.queries.list_tenants(after=None, limit=3)
    assert [r.app_name for r in first] == ["Alpha", "bravo", "charlie"]
    rest = services.queries.list_tenants(after=first[-1].canonical_name, limit=3)
    assert [r.app_name for r in rest] == ["delta"]


def test_profile_waits_for_the_view_to_catch_up(services: Services) -> None:
    issued = register(services)
    running = BackgroundProjector(services.projector()).start()
    try:
        assert services.queries.profile(issued.tenant.tenant_id).app_name == "acme"
    finally:
        running.stop()


def test_profile_answers_not_ready_when_the_view_stays_behind(services: Services) -> None:
    issued = register(services)
    impatient = TenantQueries(services.ledger, services.view, wait_timeout_seconds=0.2)
    with pytest.raises(ViewNotReadyError) as not_ready:
        impatient.profile(issued.tenant.tenant_id)
    assert not_ready.value.retry_after_seconds >= 1


def test_the_background_projector_follows_new_events(services: Services) -> None:
    running = BackgroundProjector(services.projector()).start()
    try:
        issued = register(services)
        services.queries.wait_for(issued.position)
        rotated = services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
        services.queries.wait_for(rotated.position)
        row = services.view.get_tenant(issued.tenant.tenant_id)
        assert dataclasses.replace(row, updated_at=row.created_at).secret_version == 2
    finally:
        running.stop()
