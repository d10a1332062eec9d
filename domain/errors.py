class DomainError(Exception):
    """A rule of the domain was broken by the request."""


class InvalidAppNameError(DomainError):
    pass


class InvalidCredentialsError(DomainError):
    """Unknown application or wrong secret: deliberately one error for both."""
