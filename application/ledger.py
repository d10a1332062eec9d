"""TenantLedger: the event-sourced application. Each command is get -> change -> save."""

import functools
import hmac
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from application.clock import Clock
from application.credentials import EventSealer, SecretHasher, fingerprint, generate_secret
from application.errors import (
    AdminAuthenticationError,
    AppNameTakenError,
    ConcurrentModificationError,
    InvalidTokenError,
    TenantNotFoundError,
)
from application.failed_logins import RETENTION as FAILED_LOGIN_RETENTION
from application.failed_logins import FailedLogins
from application.results import (
    IssuedCredentials,
    IssuedToken,
    TenantDetails,
    details_of,
)
from application.tokens import EXPIRES_IN, TOKEN_LIFETIME, AccessTokenClaims, AccessTokens
from domain.admin import AdminToken
from domain.app_name import AppNameIndex, canonical_app_name
from domain.errors import InvalidAppNameError, InvalidCredentialsError, TokenRevokedError
from domain.tenant import Environment, Tenant

T = TypeVar("T")
MAX_SAVE_ATTEMPTS = 50
ADMIN_TOKEN_PREFIX = "ltla_"  # noqa: S105 - a prefix, not a secret


class TenantLedger(Application[UUID]):
    name = "ledger"
    snapshotting_intervals = {Tenant: 100}  # noqa: RUF012 - the library reads this class attribute

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        hasher: SecretHasher,
        sealer: EventSealer,
        tokens: AccessTokens,
        clock: Clock,
        failed_logins: FailedLogins,
        check_production_webhook: Callable[[str], None],
    ) -> None:
        super().__init__(env)
        self._check_production_webhook = check_production_webhook
        self.failed_logins = failed_logins
        self._last_prune: datetime | None = None
        self._hasher = hasher
        self.sealer = sealer
        self._tokens = tokens
        self._clock = clock
        # Compared against when the app name is unknown, so that both failures cost the same.
        self._decoy_hash = hasher.hash(generate_secret())
        # A name, once claimed, names the same tenant forever: safe to remember per process.
        self._tenant_id_by_name = functools.lru_cache(maxsize=10_000)(self._claimed_tenant_id)

    def register_tenant(
        self,
        *,
        app_name: str,
        contact_email: str,
        webhook_url: str,
        environment: Environment,
        sandbox: bool,
        actor: str,
    ) -> IssuedCredentials:
        canonical = canonical_app_name(app_name)
        if Environment(environment) is Environment.PRODUCTION:
            self._check_production_webhook(webhook_url)
        if self._find_index(canonical) is not None:
            raise AppNameTakenError(f"appName {app_name!r} is already registered")
        secret = generate_secret()
        tenant = Tenant.register(
            tenant_id=uuid4(),
            app_name=app_name,
            contact_email=contact_email,
            webhook_url=webhook_url,
            environment=environment,
            sandbox=sandbox,
            secret_hash=self._hasher.hash(secret),
            secret_fingerprint=fingerprint(secret),
            registered_by=actor,
            at=self._now(),
            seal=self.sealer,
        )
        index = AppNameIndex(canonical_name=canonical, tenant_id=tenant.id)
        try:
            recordings = self.save(tenant, index)
        except IntegrityError:
            raise AppNameTakenError(f"appName {app_name!r} is already registered") from None
        return IssuedCredentials(details_of(tenant), secret, recordings[-1].notification.id)

    def rotate_secret(
        self, tenant_id: UUID, *, actor: str, grace: timedelta = timedelta(0)
    ) -> IssuedCredentials:
        return self._rotate(self.get_tenant_aggregate(tenant_id), actor=actor, grace=grace)

    def rotate_own_secret(
        self, claims: AccessTokenClaims, current_secret: str, *, grace: timedelta = timedelta(0)
    ) -> IssuedCredentials:
        """A tenant replaces its own secret: a token is not enough, it must show the secret."""
        tenant = self._authenticated_tenant(claims)
        if tenant.check_secret(self._hasher.hash(current_secret), at=self._now()) != (
            tenant.secret_version
        ):
            raise InvalidCredentialsError("invalid credentials")  # a secret in grace is not enough
        return self._rotate(tenant, actor=f"tenant:{tenant.app_name}", grace=grace)

    def _rotate(self, tenant: Tenant, *, actor: str, grace: timedelta) -> IssuedCredentials:
        """Rotate the secret the caller saw. Logins racing the rotation are retried past; if
        another rotation got in first, this one is refused (409): the caller must decide again
        rather than be handed a secret that is already dead."""
        seen_secret = tenant.secret_version
        secret = generate_secret()

        def attempt() -> tuple[Tenant, list[Any]]:
            current = self.get_tenant_aggregate(tenant.id)
            if current.secret_version != seen_secret:
                raise ConcurrentModificationError(
                    "the secret was rotated by someone else meanwhile; look again and retry"
                )
            current.rotate_secret(
                secret_hash=self._hasher.hash(secret),
                secret_fingerprint=fingerprint(secret),
                rotated_by=actor,
                grace=grace,
                at=self._now(),
                seal=self.sealer,
            )
            return current, self.save(current)

        rotated, recordings = _retry_on_conflict(attempt)
        return IssuedCredentials(details_of(rotated), secret, recordings[-1].notification.id)

    def login(self, app_name: str, app_secret: str, *, client_ip: str | None) -> IssuedToken:
        presented_hash = self._hasher.hash(app_secret)
        tenant_id = self._tenant_id_for_name(app_name)
        if tenant_id is None:
            hmac.compare_digest(presented_hash, self._decoy_hash)  # the work a wrong secret costs
            self._count_failure(None, client_ip)
            raise InvalidCredentialsError("invalid credentials")

        def issue() -> tuple[Tenant, Any, list[Any]]:
            tenant = self.get_tenant_aggregate(tenant_id)
            now = self._now()
            secret_version = tenant.check_secret(presented_hash, at=now)
            minted = self._tokens.mint(
                tenant_id=tenant.id,
                app_name=tenant.app_name,
                epoch=tenant.epoch_for(secret_version),
                issued_at=now,
            )
            tenant.issue_token(
                jti=minted.jti,
                expires_at=minted.expires_at,
                secret_version=secret_version,
                client_ip=client_ip,
                at=now,
                seal=self.sealer,
            )
            return tenant, minted, self.save(tenant)

        try:
            tenant, minted, recordings = _retry_on_conflict(issue)
        except (InvalidCredentialsError, TenantNotFoundError):
            self._count_failure(tenant_id, client_ip)
            raise InvalidCredentialsError("invalid credentials") from None
        return IssuedToken(
            access_token=minted.token,
            tenant_id=tenant.id,
            app_name=tenant.app_name,
            expires_in=EXPIRES_IN,
            position=recordings[-1].notification.id,
        )

    def authenticate(self, access_token: str) -> AccessTokenClaims:
        """The claims of a token that verifies and still counts: not revoked by a rotation,
        a suspension or a revocation — checked against the events, so it holds at once."""
        claims = self._tokens.verify(access_token)
        self._authenticated_tenant(claims)
        return claims

    def _authenticated_tenant(self, claims: AccessTokenClaims) -> Tenant:
        try:
            tenant = self.get_tenant_aggregate(claims.tenant_id)
            tenant.check_token(token_epoch=claims.epoch, jti=claims.jti, at=self._now())
        except (TenantNotFoundError, TokenRevokedError) as error:
            raise InvalidTokenError(str(error)) from None
        return tenant

    def suspend(self, tenant_id: UUID, *, reason: str, actor: str) -> TenantDetails:
        return self._change(
            tenant_id,
            lambda t, at: t.suspend(reason=reason, suspended_by=actor, at=at, seal=self.sealer),
        )

    def reactivate(self, tenant_id: UUID, *, actor: str) -> TenantDetails:
        return self._change(
            tenant_id, lambda t, at: t.reactivate(reactivated_by=actor, at=at, seal=self.sealer)
        )

    def revoke_tokens(
        self, tenant_id: UUID, *, actor: str, jti: str | None = None
    ) -> TenantDetails:
        """Revoke one token by its id, or, without one, every token issued so far."""
        if jti is None:
            return self._change(
                tenant_id, lambda t, at: t.revoke_tokens(revoked_by=actor, at=at, seal=self.sealer)
            )
        return self._change(
            tenant_id,
            lambda t, at: t.revoke_token(
                jti=jti, expires_at=at + TOKEN_LIFETIME, revoked_by=actor, at=at, seal=self.sealer
            ),
        )

    def introspect(self, access_token: str) -> AccessTokenClaims | None:
        """RFC 7662: the claims of an active token, None for any other."""
        try:
            return self.authenticate(access_token)
        except InvalidTokenError:
            return None

    def _change(self, tenant_id: UUID, change: Callable[[Tenant, datetime], None]) -> TenantDetails:
        def attempt() -> Tenant:
            tenant = self.get_tenant_aggregate(tenant_id)
            change(tenant, self._now())
            self.save(tenant)
            return tenant

        return details_of(_retry_on_conflict(attempt))

    def tenant_details(self, tenant_id: UUID, *, version: int | None = None) -> TenantDetails:
        return details_of(self.get_tenant_aggregate(tenant_id, version=version))

    def get_tenant_aggregate(self, tenant_id: UUID, *, version: int | None = None) -> Tenant:
        try:
            tenant = self.repository.get(tenant_id, version=version)
        except AggregateNotFoundError:
            raise TenantNotFoundError(f"no tenant with id {tenant_id}") from None
        if not isinstance(tenant, Tenant):
            raise TenantNotFoundError(f"no tenant with id {tenant_id}")
        return tenant

    def create_admin_token(self, admin_name: str) -> str:
        token = ADMIN_TOKEN_PREFIX + generate_secret()
        admin = AdminToken.create(
            token_hash=self._hasher.hash(token), admin_name=admin_name, at=self._now()
        )
        self.save(admin)
        return token

    def authenticate_admin(self, token: str) -> str:
        """Return the admin's name for a valid admin token."""
        if not token.startswith(ADMIN_TOKEN_PREFIX):
            raise AdminAuthenticationError("not an admin token")
        try:
            admin = self.repository.get(AdminToken.id_for(self._hasher.hash(token)))
        except AggregateNotFoundError:
            raise AdminAuthenticationError("unknown admin token") from None
        if not isinstance(admin, AdminToken):
            raise AdminAuthenticationError("unknown admin token")
        return admin.admin_name

    def _count_failure(self, tenant_id: UUID | None, client_ip: str | None) -> None:
        now = self._now()
        self.failed_logins.record(tenant_id, now, client_ip)
        if self._last_prune is None or now - self._last_prune > timedelta(hours=1):
            self._last_prune = now
            self.failed_logins.prune(before=now - FAILED_LOGIN_RETENTION)

    def _now(self) -> datetime:
        """Milliseconds, as shown everywhere: an auditor who asks about a moment they were
        shown gets the event that carries it."""
        now = self._clock.now()
        return now.replace(microsecond=now.microsecond // 1000 * 1000)

    def head_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def _tenant_id_for_name(self, app_name: str) -> UUID | None:
        try:
            return self._tenant_id_by_name(canonical_app_name(app_name))
        except (InvalidAppNameError, LookupError):
            return None

    def _claimed_tenant_id(self, canonical_name: str) -> UUID:
        index = self._find_index(canonical_name)
        if index is None:
            raise LookupError(canonical_name)  # not cached: the name may be claimed later
        return index.tenant_id

    def _find_index(self, canonical_name: str) -> AppNameIndex | None:
        try:
            index = self.repository.get(AppNameIndex.create_id(canonical_name))
        except AggregateNotFoundError:
            return None
        return index if isinstance(index, AppNameIndex) else None


def _retry_on_conflict(attempt: Callable[[], T]) -> T:
    """Run attempt() again after a version conflict: logins of one tenant race on its version."""
    for attempt_number in range(1, MAX_SAVE_ATTEMPTS + 1):
        try:
            return attempt()
        except IntegrityError:
            if attempt_number == MAX_SAVE_ATTEMPTS:
                raise ConcurrentModificationError("too much contention; try again") from None
            time.sleep(random.uniform(0, 0.002 * attempt_number))  # noqa: S311 - jitter only
    raise AssertionError("unreachable")
