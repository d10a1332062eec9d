"""Admin tokens: opaque bearer tokens for platform admins, known to the store only by hash."""

import re
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import DomainError

_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,62}")
_TOKEN_NAMESPACE = uuid5(NAMESPACE_URL, "urn:tenant-ledger:admin-token")


class InvalidAdminNameError(DomainError):
    pass


class AdminToken(Aggregate):
    """One admin token. Its id is derived from the token's keyed hash, so a presented token is
    found by hashing it, and neither the token nor its hash is stored anywhere."""

    class Created(Aggregate.Created):
        admin_name: str

    def __init__(self, admin_name: str) -> None:
        self.admin_name = admin_name

    @classmethod
    def create(cls, *, token_hash: str, admin_name: str, at: datetime) -> "AdminToken":
        if not isinstance(admin_name, str) or not _NAME_PATTERN.fullmatch(admin_name):
            raise InvalidAdminNameError(
                "admin name: 1 to 63 letters, digits, '.', '_', '@' or '-', "
                "starting with a letter or digit"
            )
        return cls._create(
            cls.Created, id=cls.id_for(token_hash), timestamp=at, admin_name=admin_name
        )

    @staticmethod
    def id_for(token_hash: str) -> UUID:
        return uuid5(_TOKEN_NAMESPACE, token_hash)
