"""The Tenant aggregate: one registered application and its credential history.

Events never carry a secret or a token: a secret appears only as its keyed hash and a short
fingerprint, a token only as its id (jti). Every event takes its timestamp from the caller so
that a clock can be faked, and carries a digest chaining it to the previous event.
"""

import hmac
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.chain import GENESIS, Sealer, canonical_content
from domain.errors import InvalidCredentialsError
from domain.webhook import check_webhook_url


class Environment(StrEnum):
    PRODUCTION = "production"
    STAGING = "staging"


class TenantStatus(StrEnum):
    ACTIVE = "active"


class Tenant(Aggregate):
    class Registered(Aggregate.Created):
        app_name: str
        contact_email: str
        webhook_url: str
        environment: str
        sandbox: bool
        secret_hash: str
        secret_fingerprint: str
        registered_by: str
        digest: str

        def apply(self, tenant: "Tenant") -> None:
            tenant.chain_digest = self.digest

    class SecretRotated(Aggregate.Event):
        secret_hash: str
        secret_fingerprint: str
        secret_version: int
        rotated_by: str
        digest: str

        def apply(self, tenant: "Tenant") -> None:
            tenant.secret_hash = self.secret_hash
            tenant.secret_fingerprint = self.secret_fingerprint
            tenant.secret_version = self.secret_version
            tenant.chain_digest = self.digest

    class TokenIssued(Aggregate.Event):
        jti: str
        expires_at: datetime
        secret_version: int
        client_ip: str | None
        digest: str

        def apply(self, tenant: "Tenant") -> None:
            tenant.tokens_issued += 1
            tenant.last_token_issued_at = self.timestamp
            tenant.chain_digest = self.digest

    def __init__(
        self,
        app_name: str,
        contact_email: str,
        webhook_url: str,
        environment: str,
        sandbox: bool,
        secret_hash: str,
        secret_fingerprint: str,
        registered_by: str,
    ) -> None:
        self.app_name = app_name
        self.contact_email = contact_email
        self.webhook_url = webhook_url
        self.environment = Environment(environment).value
        self.sandbox = sandbox
        self.secret_hash = secret_hash
        self.secret_fingerprint = secret_fingerprint
        self.secret_version = 1
        self.status = TenantStatus.ACTIVE.value
        self.registered_by = registered_by
        self.tokens_issued = 0
        self.last_token_issued_at: datetime | None = None
        self.chain_digest = GENESIS

    @classmethod
    def register(
        cls,
        *,
        tenant_id: UUID,
        app_name: str,
        contact_email: str,
        webhook_url: str,
        environment: Environment,
        sandbox: bool,
        secret_hash: str,
        secret_fingerprint: str,
        registered_by: str,
        at: datetime,
        seal: Sealer,
    ) -> "Tenant":
        fields = {
            "app_name": app_name,
            "contact_email": contact_email,
            "webhook_url": check_webhook_url(webhook_url),
            "environment": Environment(environment).value,
            "sandbox": sandbox,
            "secret_hash": secret_hash,
            "secret_fingerprint": secret_fingerprint,
            "registered_by": registered_by,
        }
        content = canonical_content(cls.Registered.__qualname__, tenant_id, 1, at, fields)
        return cls._create(
            cls.Registered, id=tenant_id, timestamp=at, digest=seal(GENESIS, content), **fields
        )

    def check_secret(self, presented_hash: str) -> None:
        """Raise InvalidCredentialsError unless the presented hash is the current one."""
        if not hmac.compare_digest(presented_hash.encode(), self.secret_hash.encode()):
            raise InvalidCredentialsError("invalid credentials")

    def rotate_secret(
        self,
        *,
        secret_hash: str,
        secret_fingerprint: str,
        rotated_by: str,
        at: datetime,
        seal: Sealer,
    ) -> None:
        self._record(
            self.SecretRotated,
            at,
            seal,
            secret_hash=secret_hash,
            secret_fingerprint=secret_fingerprint,
            secret_version=self.secret_version + 1,
            rotated_by=rotated_by,
        )

    def issue_token(
        self,
        *,
        jti: str,
        expires_at: datetime,
        client_ip: str | None,
        at: datetime,
        seal: Sealer,
    ) -> None:
        self._record(
            self.TokenIssued,
            at,
            seal,
            jti=jti,
            expires_at=expires_at,
            secret_version=self.secret_version,
            client_ip=client_ip,
        )

    def _record(self, event_class: type, at: datetime, seal: Sealer, **fields: Any) -> None:
        content = canonical_content(event_class.__qualname__, self.id, self.version + 1, at, fields)
        digest = seal(self.chain_digest, content)
        self.trigger_event(event_class, timestamp=at, digest=digest, **fields)
