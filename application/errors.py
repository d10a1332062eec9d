class ApplicationError(Exception):
    """Raised by a use case; the API maps each subclass to one HTTP status."""


class TenantNotFoundError(ApplicationError):
    pass


class AppNameTakenError(ApplicationError):
    pass


class InvalidTokenError(ApplicationError):
    """A bearer token that is missing, malformed, tampered with, expired or not ours."""


class AdminAuthenticationError(ApplicationError):
    pass


class ViewNotReadyError(ApplicationError):
    """The read model has not yet caught up with a write the caller depends on."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ConcurrentModificationError(ApplicationError):
    """A command lost a race it cannot retry on its own (the caller must decide again)."""
