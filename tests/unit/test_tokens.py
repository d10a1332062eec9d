import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from application.errors import InvalidTokenError
from application.tokens import AccessTokens, SigningKey
from infrastructure.keys import jwk_thumbprint

ISSUER = "https://ledger.example"
AUDIENCE = "billing-platform"


def make_tokens(private_key: ec.EllipticCurvePrivateKey | None = None) -> AccessTokens:
    key = private_key or ec.generate_private_key(ec.SECP256R1())
    return AccessTokens(SigningKey(jwk_thumbprint(key.public_key()), key), ISSUER, AUDIENCE)


@pytest.fixture
def tokens() -> AccessTokens:
    return make_tokens()


def decode_part(token: str, index: int) -> dict:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_tokens_follow_the_jwt_access_token_profile(tokens: AccessTokens) -> None:
    tenant_id = uuid4()
    now = datetime.now(tz=UTC).replace(microsecond=0)
    minted = tokens.mint(tenant_id=tenant_id, app_name="acme", epoch=1, issued_at=now)
    header, claims = decode_part(minted.token, 0), decode_part(minted.token, 1)
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "ES256"
    assert header["kid"] == tokens.jwks()["keys"][0]["kid"]
    assert claims["sub"] == str(tenant_id)
    assert claims["iss"] == ISSUER
    assert claims["aud"] == AUDIENCE
    assert claims["client_id"] == "acme"
    assert claims["jti"] == minted.jti
    assert claims["exp"] - claims["iat"] == 86400
    verified = tokens.verify(minted.token)
    assert verified.tenant_id == tenant_id
    assert verified.jti == minted.jti


def test_jwks_verifies_our_tokens_with_a_standard_client(tokens: AccessTokens) -> None:
    minted = tokens.mint(
        tenant_id=uuid4(), app_name="acme", epoch=1, issued_at=datetime.now(tz=UTC)
    )
    jwk_set = jwt.PyJWKSet.from_dict(tokens.jwks())
    key = jwk_set[decode_part(minted.token, 0)["kid"]]
    claims = jwt.decode(minted.token, key.key, algorithms=["ES256"], audience=AUDIENCE)
    assert claims["iss"] == ISSUER


def test_an_expired_token_is_refused(tokens: AccessTokens) -> None:
    long_ago = datetime.now(tz=UTC) - timedelta(hours=25)
    minted = tokens.mint(tenant_id=uuid4(), app_name="acme", epoch=1, issued_at=long_ago)
    with pytest.raises(InvalidTokenError):
        tokens.verify(minted.token)


def test_a_token_signed_by_another_key_is_refused(tokens: AccessTokens) -> None:
    foreign = make_tokens().mint(
        tenant_id=uuid4(), app_name="a", epoch=1, issued_at=datetime.now(tz=UTC)
    )
    with pytest.raises(InvalidTokenError):
        tokens.verify(foreign.token)


def test_a_foreign_key_claiming_our_kid_is_refused(tokens: AccessTokens) -> None:
    kid = tokens.jwks()["keys"][0]["kid"]
    other_key = ec.generate_private_key(ec.SECP256R1())
    impostor = AccessTokens(SigningKey(kid, other_key), ISSUER, AUDIENCE)
    token = impostor.mint(
        tenant_id=uuid4(), app_name="a", epoch=1, issued_at=datetime.now(tz=UTC)
    ).token
    with pytest.raises(InvalidTokenError):
        tokens.verify(token)


def test_tampered_claims_are_refused(tokens: AccessTokens) -> None:
    token = tokens.mint(
        tenant_id=uuid4(), app_name="a", epoch=1, issued_at=datetime.now(tz=UTC)
    ).token
    header, _payload, signature = token.split(".")
    claims = decode_part(token, 1)
    claims["sub"] = str(uuid4())
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidTokenError):
        tokens.verify(f"{header}.{forged}.{signature}")


def unsigned(header: dict, claims: dict) -> str:
    def encode(part: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    return f"{encode(header)}.{encode(claims)}."


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_unsigned_tokens_are_refused(tokens: AccessTokens, alg: str) -> None:
    good = tokens.mint(
        tenant_id=uuid4(), app_name="a", epoch=1, issued_at=datetime.now(tz=UTC)
    ).token
    header = {**decode_part(good, 0), "alg": alg}
    with pytest.raises(InvalidTokenError):
        tokens.verify(unsigned(header, decode_part(good, 1)))


def test_our_public_key_used_as_an_hmac_secret_is_refused(tokens: AccessTokens) -> None:
    good = tokens.mint(
        tenant_id=uuid4(), app_name="a", epoch=1, issued_at=datetime.now(tz=UTC)
    ).token
    public_pem = (
        tokens._keys.verification_keys()[decode_part(good, 0)["kid"]]
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    header = {**decode_part(good, 0), "alg": "HS256"}
    signing_input = unsigned(header, decode_part(good, 1))[:-1]
    mac = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    forged = signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    with pytest.raises(InvalidTokenError):
        tokens.verify(forged)


@pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "sub", "jti", "epoch"])
def test_tokens_missing_a_required_claim_are_refused(missing: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    tokens = make_tokens(key)
    now = int(datetime.now(tz=UTC).timestamp())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(uuid4()),
        "iat": now,
        "exp": now + 60,
        "jti": "x",
        "epoch": 1,
    }
    del claims[missing]
    kid = jwk_thumbprint(key.public_key())
    token = jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid, "typ": "at+jwt"})
    with pytest.raises(InvalidTokenError):
        tokens.verify(token)


@pytest.mark.parametrize(
    ("issuer", "audience"), [("https://evil.example", AUDIENCE), (ISSUER, "another-api")]
)
def test_wrong_issuer_or_audience_is_refused(issuer: str, audience: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    theirs = AccessTokens(SigningKey(jwk_thumbprint(key.public_key()), key), issuer, audience)
    token = theirs.mint(
        tenant_id=uuid4(), app_name="a", epoch=1, issued_at=datetime.now(tz=UTC)
    ).token
    with pytest.raises(InvalidTokenError):
        make_tokens(key).verify(token)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "eyJ.eyJ.", "\x00\x01", "a" * 5000])
def test_garbage_is_an_invalid_token_not_a_crash(tokens: AccessTokens, garbage: str) -> None:
    with pytest.raises(InvalidTokenError):
        tokens.verify(garbage)


def test_an_absurd_expiry_is_an_invalid_token_not_a_crash() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = int(datetime.now(tz=UTC).timestamp())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": str(uuid4()), "iat": now, "exp": 10**20}
    claims["jti"] = "x"
    claims["epoch"] = 1
    kid = jwk_thumbprint(key.public_key())
    token = jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid, "typ": "at+jwt"})
    with pytest.raises(InvalidTokenError):
        make_tokens(key).verify(token)


@pytest.mark.parametrize(
    "change",
    [
        {"exp_offset": 100 * 365 * 86400},
        {"epoch": True},
        {"sub_format": "{%s}"},
        {"sub_format": "urn:uuid:%s"},
    ],
    ids=["century-long", "boolean-epoch", "braced-sub", "urn-sub"],
)
def test_tokens_our_key_signed_but_we_never_mint_are_refused(change: dict) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = int(datetime.now(tz=UTC).timestamp())
    sub = str(uuid4())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": change.get("sub_format", "%s") % sub,
        "iat": now,
        "exp": now + change.get("exp_offset", 60),
        "jti": "x",
        "epoch": change.get("epoch", 1),
    }
    kid = jwk_thumbprint(key.public_key())
    token = jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid, "typ": "at+jwt"})
    with pytest.raises(InvalidTokenError):
        make_tokens(key).verify(token)
