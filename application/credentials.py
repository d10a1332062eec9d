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
