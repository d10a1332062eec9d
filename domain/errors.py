class DomainError(Exception):
    """A rule of the domain was broken by the request."""


class InvalidAppNameError(DomainError):
    pass


class InvalidCredentialsError(DomainError):
    """Unknown application or wrong secret: deliberately one error for both."""


class TenantSuspendedError(DomainError):
    """The credentials are right, but the tenant may not get tokens now."""


class TokenRevokedError(DomainError):
    """A token that verifies, but was revoked, or belongs to a suspended tenant."""


class TenantStateError(DomainError):
    """The command does not fit the tenant's current state (e.g. suspending it twice)."""
