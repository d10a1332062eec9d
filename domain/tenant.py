"""The Tenant aggregate: one registered application and its credential history.

Events never carry a secret or a token: a secret appears only as its keyed hash and a short
fingerprint, a token only as its id (jti). Every event takes its timestamp from the caller so
that a clock can be faked, and carries a digest chaining it to the previous event.
"""

import hmac
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.chain import GENESIS, Sealer, canonical_content
from domain.errors import (
    InvalidCredentialsError,
    TenantStateError,
    TenantSuspendedError,
    TokenRevokedError,
)
from domain.webhook import check_webhook_url


class Environment(StrEnum):
    PRODUCTION = "production"
    STAGING = "staging"


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


MAX_GRACE = timedelta(days=7)


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
        grace_until: datetime | None
        token_epoch: int
        digest: str

        def apply(self, tenant: "Tenant") -> None:
            tenant.previous_secret_hash = tenant.secret_hash if self.grace_until else None
            tenant.previous_secret_until = self.grace_until
            tenant.secret_hash = self.secret_hash
            tenant.secret_fingerprint = self.secret_fingerprint
            tenant.secret_version = self.secret_version
            tenant.token_epoch = self.token_epoch
            tenant.chain_digest = self.digest

    class Suspended(Aggregate.Event):
        reason: str
        suspended_by: str
        token_epoch: int
        digest: str

        def apply(self, tenant: "Tenant") -> None:
            tenant.status = TenantStatus.SUSPENDED.value
            tenant.token_epoch = self.token_epoch
            tenant.end_grace()
            tenant.chain_digest = self.digest

    class Reactivated(Aggregate.Event):
        reactivated_by: str
        digest: str

        def apply(self, tenant: "Tenant") -> None:
            tenant.status = TenantStatus.ACTIVE.value
            tenant.chain_digest = self.digest

    class TokensRevoked(Aggregate.Event):
        """Every token issued so far stops working."""

        revoked_by: str
        token_epoch: int
        digest: str

        def apply(self, tenant: "Tenant") -> None:
            tenant.token_epoch = self.token_epoch
            tenant.end_grace()
            tenant.chain_digest = self.digest

    class TokenRevoked(Aggregate.Event):
        """One token stops working; remembered until it would have expired anyway."""

        jti: str
        expires_at: datetime
        revoked_by: str
        digest: str

        def apply(self, tenant: "Tenant") -> None:
            tenant.revoked_tokens = {
                jti: until for jti, until in tenant.revoked_tokens.items() if until > self.timestamp
            }
            tenant.revoked_tokens[self.jti] = self.expires_at
            tenant.chain_digest = self.digest

    class TokenIssued(Aggregate.Event):
        jti: str
        expires_at: datetime
        secret_version: int
        token_epoch: int
        client_ip: str | None
        digest: str

        def apply(self, tenant: "Tenant") -> None:
            tenant.tokens_issued += 1
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
        self.tokens_issued = 0
        self.token_epoch = 1
        self.revoked_tokens: dict[str, datetime] = {}
        self.previous_secret_hash: str | None = None
        self.previous_secret_until: datetime | None = None
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

    def check_secret(self, presented_hash: str, *, at: datetime) -> int:
        """The version of the secret presented: the current one, or the previous one while
        its grace lasts. Raise InvalidCredentialsError otherwise."""
        if hmac.compare_digest(presented_hash.encode(), self.secret_hash.encode()):
            return self.secret_version
        previous = self.previous_secret_hash or ""
        in_grace = self.previous_secret_until is not None and at < self.previous_secret_until
        if hmac.compare_digest(presented_hash.encode(), previous.encode()) and in_grace:
            return self.secret_version - 1
        raise InvalidCredentialsError("invalid credentials")

    def rotate_secret(
        self,
        *,
        secret_hash: str,
        secret_fingerprint: str,
        rotated_by: str,
        grace: timedelta = timedelta(0),
        at: datetime,
        seal: Sealer,
    ) -> None:
        """Replace the secret, and start a new token epoch. Without grace, the old secret and
        every token issued so far stop working at once; with grace, both keep working until
        the grace ends, and then stop."""
        if not timedelta(0) <= grace <= MAX_GRACE:
            raise TenantStateError("grace must be between 0 and 7 days")
        self._record(
            self.SecretRotated,
            at,
            seal,
            secret_hash=secret_hash,
            secret_fingerprint=secret_fingerprint,
            secret_version=self.secret_version + 1,
            rotated_by=rotated_by,
            grace_until=at + grace if grace else None,
            token_epoch=self.token_epoch + 1,
        )

    def issue_token(
        self,
        *,
        jti: str,
        expires_at: datetime,
        secret_version: int,
        client_ip: str | None,
        at: datetime,
        seal: Sealer,
    ) -> None:
        if self.status != TenantStatus.ACTIVE:
            raise TenantSuspendedError("this tenant is suspended")
        self._record(
            self.TokenIssued,
            at,
            seal,
            jti=jti,
            expires_at=expires_at,
            secret_version=secret_version,
            token_epoch=self.epoch_for(secret_version),
            client_ip=client_ip,
        )

    def epoch_for(self, secret_version: int) -> int:
        """Tokens got with the previous secret, during its grace, belong to the previous epoch
        and end with the grace."""
        return self.token_epoch if secret_version == self.secret_version else self.token_epoch - 1

    def check_token(self, *, token_epoch: int, jti: str, at: datetime) -> None:
        """Raise TokenRevokedError unless a token with this epoch and id still counts."""
        if self.status != TenantStatus.ACTIVE:
            raise TokenRevokedError("the tenant is suspended")
        in_grace = self.previous_secret_until is not None and at < self.previous_secret_until
        current = token_epoch == self.token_epoch
        previous_in_grace = token_epoch == self.token_epoch - 1 and in_grace
        if not (current or previous_in_grace) or jti in self.revoked_tokens:
            raise TokenRevokedError("the token was revoked")

    def end_grace(self) -> None:
        self.previous_secret_hash = None
        self.previous_secret_until = None

    def suspend(self, *, reason: str, suspended_by: str, at: datetime, seal: Sealer) -> None:
        if self.status == TenantStatus.SUSPENDED:
            raise TenantStateError("the tenant is already suspended")
        self._record(
            self.Suspended,
            at,
            seal,
            reason=reason,
            suspended_by=suspended_by,
            token_epoch=self.token_epoch + 1,
        )

    def reactivate(self, *, reactivated_by: str, at: datetime, seal: Sealer) -> None:
        if self.status == TenantStatus.ACTIVE:
            raise TenantStateError("the tenant is not suspended")
        self._record(self.Reactivated, at, seal, reactivated_by=reactivated_by)

    def revoke_tokens(self, *, revoked_by: str, at: datetime, seal: Sealer) -> None:
        self._record(
            self.TokensRevoked, at, seal, revoked_by=revoked_by, token_epoch=self.token_epoch + 1
        )

    def revoke_token(
        self, *, jti: str, expires_at: datetime, revoked_by: str, at: datetime, seal: Sealer
    ) -> None:
        self._record(
            self.TokenRevoked, at, seal, jti=jti, expires_at=expires_at, revoked_by=revoked_by
        )

    def _record(self, event_class: type, at: datetime, seal: Sealer, **fields: Any) -> None:
        # A tenant's history is ordered in time even when hosts' clocks disagree a little.
        at = max(at, self.modified_on)
        content = canonical_content(event_class.__qualname__, self.id, self.version + 1, at, fields)
        digest = seal(self.chain_digest, content)
        self.trigger_event(event_class, timestamp=at, digest=digest, **fields)
