"""Tamper evidence: each Tenant event carries a digest that chains it to the previous one.

The digest is computed by a sealer the application supplies (a keyed HMAC), over a canonical
form of the event's content; see docs/decisions/0009-tamper-evidence.md.
"""

import json
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

GENESIS = ""
_BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic", "digest"}


class Sealer(Protocol):
    def __call__(self, previous_digest: str, content: bytes) -> str: ...


def canonical_content(
    event_type: str, tenant_id: UUID, version: int, at: datetime, fields: dict[str, Any]
) -> bytes:
    document = {
        "type": event_type,
        "id": str(tenant_id),
        "version": version,
        "at": _plain(at),
        "fields": fields,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), default=_plain).encode()


def content_of(event: Any) -> bytes:
    """The canonical content of a stored event, as it was sealed."""
    fields = {k: v for k, v in vars(event).items() if k not in _BASE_FIELDS}
    return canonical_content(
        type(event).__qualname__,
        event.originator_id,
        event.originator_version,
        event.timestamp,
        fields,
    )


def _plain(value: Any) -> dict[str, str]:
    """Tagged, so that a time and a string that spells it cannot be swapped unnoticed."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, UUID):
        return {"uuid": str(value)}
    raise TypeError(f"cannot put {type(value).__name__} in an event digest")
