"""Machine-generated secrets and their keyed hashes.

A secret has 256 random bits, so a slow password hash would protect nothing that HMAC-SHA256
with a pepper held outside the database does not; see docs/decisions/0003-secret-hashing.md.
"""

import hashlib
import hmac
import secrets

SECRET_BYTES = 32


def generate_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


class SecretHasher:
    def __init__(self, pepper: bytes) -> None:
        if len(pepper) < 32:
            raise ValueError("the pepper must hold at least 32 bytes")
        self._pepper = pepper

    def hash(self, secret: str) -> str:
        return hmac.new(self._pepper, secret.encode(), hashlib.sha256).hexdigest()


def fingerprint(secret: str) -> str:
    """A short public mark of a secret: lets an auditor (or the tenant, who can compute it)
    tell which secret was in force, without revealing anything usable."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


class EventSealer:
    """Chains each Tenant event to the previous one with a keyed digest, so an edit made
    directly in the database cannot be hidden by recomputing the chain without the key."""

    def __init__(self, pepper: bytes) -> None:
        self._key = hmac.new(pepper, b"tenant-ledger event chain", hashlib.sha256).digest()

    def __call__(self, previous_digest: str, content: bytes) -> str:
        message = previous_digest.encode() + b"\n" + content
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
