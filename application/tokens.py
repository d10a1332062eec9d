"""Access tokens: RFC 9068 JWTs signed with ES256 (docs/decisions/0004-token-signing.md)."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import (
    EllipticCurvePrivateKey,
    EllipticCurvePublicKey,
)

from application.errors import InvalidTokenError

ALGORITHM = "ES256"
TOKEN_TYPE = "at+jwt"  # noqa: S105 - a media type, not a secret
TOKEN_LIFETIME = timedelta(hours=24)
LEEWAY_SECONDS = 30
EXPIRES_IN = "24h"
_MAX_LIFETIME = int(TOKEN_LIFETIME.total_seconds())
_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti", "epoch"]


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: EllipticCurvePrivateKey


class KeySource(Protocol):
    """Where signing keys come from: one fixed key, or a ring that rotates."""

    def signing_key(self) -> SigningKey: ...

    def verification_keys(self) -> dict[str, EllipticCurvePublicKey]: ...


class FixedKey:
    def __init__(self, key: SigningKey) -> None:
        self._key = key
        self._public = {key.kid: key.private_key.public_key()}

    def signing_key(self) -> SigningKey:
        return self._key

    def verification_keys(self) -> dict[str, EllipticCurvePublicKey]:
        return self._public


@dataclass(frozen=True)
class AccessTokenClaims:
    tenant_id: uuid.UUID
    app_name: str
    jti: str
    epoch: int
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class MintedToken:
    token: str
    jti: str
    expires_at: datetime


class AccessTokens:
    def __init__(
        self,
        keys: SigningKey | KeySource,
        issuer: str,
        audience: str,
        leeway_seconds: int = LEEWAY_SECONDS,
    ) -> None:
        self._keys = FixedKey(keys) if isinstance(keys, SigningKey) else keys
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds

    def mint(
        self, *, tenant_id: uuid.UUID, app_name: str, epoch: int, issued_at: datetime
    ) -> MintedToken:
        """epoch: the tenant's token epoch; a rotation, suspension or revocation moves it on,
        and every token minted under an earlier epoch stops counting."""
        jti = str(uuid.uuid4())
        issued_at = issued_at.replace(microsecond=0)  # JWT times are whole seconds
        expires_at = issued_at + TOKEN_LIFETIME
        claims = {
            "iss": self._issuer,
            "sub": str(tenant_id),
            "aud": self._audience,
            "iat": int(issued_at.timestamp()),
            "exp": int(expires_at.timestamp()),
            "jti": jti,
            "client_id": app_name,
            "epoch": epoch,
        }
        signing_key = self._keys.signing_key()
        token = jwt.encode(
            claims,
            signing_key.private_key,
            algorithm=ALGORITHM,
            headers={"kid": signing_key.kid, "typ": TOKEN_TYPE},
        )
        return MintedToken(token=token, jti=jti, expires_at=expires_at)

    def verify(self, token: str) -> AccessTokenClaims:
        try:
            header = jwt.get_unverified_header(token)
            key = self._keys.verification_keys().get(header.get("kid", ""))
            if key is None or header.get("typ") != TOKEN_TYPE:
                raise InvalidTokenError("token is not one of ours")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": _REQUIRED_CLAIMS},
            )
            if type(claims["epoch"]) is not int or claims["exp"] - claims["iat"] > _MAX_LIFETIME:
                raise InvalidTokenError("malformed epoch or lifetime")
            if str(uuid.UUID(claims["sub"])) != claims["sub"]:
                raise InvalidTokenError("malformed subject")
            return AccessTokenClaims(
                tenant_id=uuid.UUID(claims["sub"]),
                app_name=str(claims.get("client_id", "")),
                jti=str(claims["jti"]),
                epoch=claims["epoch"],
                issued_at=datetime.fromtimestamp(claims["iat"], tz=UTC),
                expires_at=datetime.fromtimestamp(claims["exp"], tz=UTC),
            )
        except (jwt.PyJWTError, ValueError, TypeError, AttributeError, OverflowError) as error:
            raise InvalidTokenError("invalid or expired token") from error

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, public_key in self._keys.verification_keys().items():
            jwk = jwt.algorithms.ECAlgorithm.to_jwk(public_key, as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM})
        return {"keys": keys}
