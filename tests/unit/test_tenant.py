import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.chain import GENESIS, content_of
from domain.errors import InvalidCredentialsError
from domain.tenant import Environment, Tenant
from domain.webhook import InvalidWebhookUrlError

REGISTERED_AT = datetime(2025, 1, 1, tzinfo=UTC)


def seal(previous: str, content: bytes) -> str:
    return hashlib.sha256(previous.encode() + content).hexdigest()


def register(**overrides: object) -> Tenant:
    fields = {
        "tenant_id": uuid4(),
        "app_name": "acme",
        "contact_email": "ops@acme.io",
        "webhook_url": "https://acme.io/hooks",
        "environment": Environment.PRODUCTION,
        "sandbox": False,
        "secret_hash": "hash-1",
        "secret_fingerprint": "fp-1",
        "registered_by": "alice",
        "at": REGISTERED_AT,
        "seal": seal,
    }
    fields.update(overrides)
    return Tenant.register(**fields)  # type: ignore[arg-type]


def rotate(tenant: Tenant) -> None:
    tenant.rotate_secret(
        secret_hash="hash-2",
        secret_fingerprint="fp-2",
        rotated_by="bob",
        at=REGISTERED_AT,
        seal=seal,
    )


def test_a_registered_tenant_is_active_with_its_first_secret() -> None:
    tenant = register()
    assert tenant.status == "active"
    assert tenant.secret_version == 1
    assert tenant.created_on == REGISTERED_AT
    assert [type(e) for e in tenant.collect_events()] == [Tenant.Registered]


def test_rotation_replaces_the_secret_and_counts_the_version() -> None:
    tenant = register()
    tenant.rotate_secret(
        secret_hash="hash-2",
        secret_fingerprint="fp-2",
        rotated_by="bob",
        at=REGISTERED_AT,
        seal=seal,
    )
    tenant.check_secret("hash-2", at=REGISTERED_AT)
    with pytest.raises(InvalidCredentialsError):
        tenant.check_secret("hash-1", at=REGISTERED_AT)
    assert tenant.secret_version == 2


def test_issuing_a_token_records_the_secret_version_it_was_issued_under() -> None:
    tenant = register()
    tenant.rotate_secret(
        secret_hash="hash-2",
        secret_fingerprint="fp-2",
        rotated_by="bob",
        at=REGISTERED_AT,
        seal=seal,
    )
    expires = REGISTERED_AT + timedelta(hours=24)
    tenant.issue_token(
        jti="j1",
        expires_at=expires,
        secret_version=2,
        client_ip="10.0.0.1",
        at=REGISTERED_AT,
        seal=seal,
    )
    issued = tenant.collect_events()[-1]
    assert isinstance(issued, Tenant.TokenIssued)
    assert (issued.jti, issued.secret_version, issued.client_ip) == ("j1", 2, "10.0.0.1")
    assert tenant.tokens_issued == 1


def test_a_wrong_secret_is_refused() -> None:
    with pytest.raises(InvalidCredentialsError):
        register().check_secret("not-the-hash", at=REGISTERED_AT)


@pytest.mark.parametrize(
    "url",
    [
        "http://acme.io/hooks",
        "ftp://acme.io/hooks",
        "https://user:pass@acme.io/hooks",
        "https://user@acme.io/hooks",
        "https:///hooks",
        "https://acme.io/hooks#frag",
        "https://acme.io/" + "a" * 2100,
        "https://[::1/",
    ],
)
def test_webhooks_go_only_to_plain_https_urls(url: str) -> None:
    with pytest.raises(InvalidWebhookUrlError):
        register(webhook_url=url)


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(ValueError, match="qa"):
        register(environment="qa")


def test_every_event_is_chained_to_the_one_before() -> None:
    tenant = register()
    tenant.rotate_secret(
        secret_hash="hash-2",
        secret_fingerprint="fp-2",
        rotated_by="bob",
        at=REGISTERED_AT,
        seal=seal,
    )
    expires = REGISTERED_AT + timedelta(hours=24)
    tenant.issue_token(
        jti="j1", expires_at=expires, secret_version=2, client_ip=None, at=REGISTERED_AT, seal=seal
    )
    previous = GENESIS
    for event in tenant.collect_events():
        assert event.digest == seal(previous, content_of(event))
        previous = event.digest
    assert tenant.chain_digest == previous


def test_a_changed_field_no_longer_matches_its_digest() -> None:
    registered = register().collect_events()[0]
    forged = dataclasses.replace(registered, webhook_url="https://evil.example/hooks")
    assert forged.digest != seal(GENESIS, content_of(forged))
