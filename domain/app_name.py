"""Application names: what is allowed, and the canonical form that uniqueness is decided on.

Only ASCII letters, digits and hyphens are accepted, so Unicode look-alikes (a Cyrillic "a",
a fullwidth "A", ...) are refused outright rather than folded; the canonical form is then
simply the lower-case name, so "ACME" and "acme" are the same application.
"""

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidAppNameError

MIN_LENGTH = 3
MAX_LENGTH = 63
_PATTERN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
_INDEX_NAMESPACE = uuid5(NAMESPACE_URL, "urn:tenant-ledger:app-name")


def canonical_app_name(app_name: str) -> str:
    """Return the form two names are compared by, or raise InvalidAppNameError."""
    if not isinstance(app_name, str) or not MIN_LENGTH <= len(app_name) <= MAX_LENGTH:
        raise InvalidAppNameError(f"appName must be {MIN_LENGTH} to {MAX_LENGTH} characters long")
    if not _PATTERN.fullmatch(app_name):
        raise InvalidAppNameError(
            "appName may hold only ASCII letters, digits and hyphens, "
            "and must start and end with a letter or digit"
        )
    return app_name.lower()


class AppNameIndex(Aggregate):
    """Claims one canonical app name for one tenant.

    Its id is derived from the canonical name, so a second registration of the same name
    collides with the first in the event store itself, whatever process or host it comes from.
    """

    def __init__(self, canonical_name: str, tenant_id: UUID) -> None:
        self.canonical_name = canonical_name
        self.tenant_id = tenant_id

    @staticmethod
    def create_id(canonical_name: str) -> UUID:
        return uuid5(_INDEX_NAMESPACE, canonical_name)
