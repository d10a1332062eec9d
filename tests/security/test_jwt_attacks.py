"""The JWT attack set (RFC 8725) against a live server: every forgery is a 401."""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.e2e.http_client import login, register
from tests.e2e.server import ledger_cli, ledger_env, ledger_serve
from tests.stores import database_url

pytestmark = pytest.mark.e2e

AUDIENCE = "billing-platform"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def part(token: str, index: int) -> dict:
    piece = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(piece + "=" * (-len(piece) % 4)))


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """One server for the whole attack set: the attacks change nothing on it."""
    data = tmp_path_factory.mktemp("jwt-attacks")
    with database_url("sqlite", data) as url:
        env = ledger_env(url, data / "var")
        with ledger_serve(env, data / "server.log") as base_url:
            yield base_url, env


@pytest.fixture(scope="module")
def server(live: tuple[str, dict[str, str]]) -> str:
    return live[0]


@pytest.fixture(scope="module")
def admin_token(live: tuple[str, dict[str, str]]) -> str:
    created = ledger_cli(live[1], "admin", "create-token", "attack-suite")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


@pytest.fixture(scope="module")
def genuine(server: str, admin_token: str) -> str:
    secret = register(server, admin_token, "target-app")["appSecret"]
    return login(server, "target-app", secret).json()["accessToken"]


@pytest.fixture(scope="module")
def our_key(live: tuple[str, dict[str, str]]) -> ec.EllipticCurvePrivateKey:
    """The server's own signing key (the test owns its data directory)."""
    pem = (Path(live[1]["LEDGER_DATA_DIR"]) / "keys" / "signing-key.pem").read_bytes()
    return serialization.load_pem_private_key(pem, password=None)


def me(server: str, token: str) -> requests.Response:
    return requests.get(
        f"{server}/tenants/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def assert_refused(server: str, token: str) -> None:
    response = me(server, token)
    assert response.status_code == 401, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_genuine_token_works(server: str, genuine: str) -> None:
    assert me(server, genuine).status_code == 200


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_in_any_case(server: str, genuine: str, alg: str) -> None:
    header = {**part(genuine, 0), "alg": alg}
    forged = f"{b64(json.dumps(header).encode())}.{genuine.split('.')[1]}."
    assert_refused(server, forged)


def test_stripped_signature(server: str, genuine: str) -> None:
    assert_refused(server, genuine.rsplit(".", 1)[0] + ".")
    assert_refused(server, genuine.rsplit(".", 1)[0])


def test_a_foreign_key(server: str, genuine: str) -> None:
    foreign = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode(part(genuine, 1), foreign, algorithm="ES256", headers=part(genuine, 0))
    assert_refused(server, token)


def test_algorithm_confusion_with_our_public_key_as_hmac_secret(server: str, genuine: str) -> None:
    jwk = requests.get(f"{server}/.well-known/jwks.json", timeout=10).json()["keys"][0]
    public_pem = jwt.PyJWK.from_dict(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {**part(genuine, 0), "alg": "HS256"}
    signing_input = f"{b64(json.dumps(header).encode())}.{genuine.split('.')[1]}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    assert_refused(server, f"{signing_input}.{b64(mac)}")


def test_tampered_claims(server: str, genuine: str) -> None:
    claims = {**part(genuine, 1), "exp": part(genuine, 1)["exp"] + 86400}
    header, _, signature = genuine.split(".")
    assert_refused(server, f"{header}.{b64(json.dumps(claims).encode())}.{signature}")


@pytest.mark.parametrize(
    "change",
    [
        {"exp": int(time.time()) - 120, "iat": int(time.time()) - 86520},
        {"iss": "https://evil.example"},
        {"aud": "another-api"},
        {"epoch": 0},
        {"sub": "00000000-0000-4000-8000-000000000000"},
    ],
    ids=["expired", "wrong-issuer", "wrong-audience", "old-epoch", "unknown-tenant"],
)
def test_claims_signed_with_our_own_key_but_wrong(
    server: str, genuine: str, our_key: ec.EllipticCurvePrivateKey, change: dict
) -> None:
    token = jwt.encode({**part(genuine, 1), **change}, our_key, "ES256", headers=part(genuine, 0))
    assert_refused(server, token)


@pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "sub", "jti", "epoch"])
def test_a_missing_required_claim(
    server: str, genuine: str, our_key: ec.EllipticCurvePrivateKey, missing: str
) -> None:
    claims = {k: v for k, v in part(genuine, 1).items() if k != missing}
    assert_refused(server, jwt.encode(claims, our_key, "ES256", headers=part(genuine, 0)))


def test_an_unknown_kid(server: str, genuine: str, our_key: ec.EllipticCurvePrivateKey) -> None:
    header = {**part(genuine, 0), "kid": "not-one-of-ours"}
    assert_refused(server, jwt.encode(part(genuine, 1), our_key, "ES256", headers=header))


@pytest.mark.parametrize("pointer", ["jku", "x5u", "jwk"])
def test_key_pointers_in_the_header_are_never_followed(
    server: str, genuine: str, pointer: str
) -> None:
    attacker = ec.generate_private_key(ec.SECP256R1())
    attacker_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(attacker.public_key()))
    value = attacker_jwk if pointer == "jwk" else "http://127.0.0.1:9/keys.json"
    header = {**part(genuine, 0), pointer: value}
    assert_refused(server, jwt.encode(part(genuine, 1), attacker, "ES256", headers=header))


def test_a_token_in_the_query_string_is_not_accepted(server: str, genuine: str) -> None:
    response = requests.get(f"{server}/tenants/me?access_token={genuine}", timeout=10)
    assert response.status_code == 401
