"""PyJWT encode and decode+verify with ES256 (what the ledger signs with) against EdDSA."""

import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from application.tokens import ALGORITHM, TOKEN_TYPE
from benchmarks import report
from benchmarks.timing import interleaved_medians

OPS_PER_BATCH = 300
ROUNDS = 7
ISSUER = "http://127.0.0.1:8000"
AUDIENCE = "billing-platform"


@dataclass(frozen=True)
class Signer:
    algorithm: str
    private_key: Any
    public_key: Any

    def encode(self, claims: dict[str, Any]) -> str:
        return jwt.encode(
            claims,
            self.private_key,
            algorithm=self.algorithm,
            headers={"kid": "bench", "typ": TOKEN_TYPE},
        )

    def decode(self, token: str) -> dict[str, Any]:
        return jwt.decode(
            token,
            self.public_key,
            algorithms=[self.algorithm],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]},
        )


def _claims() -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "sub": str(uuid.uuid4()),
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 86400,
        "jti": str(uuid.uuid4()),
        "client_id": "bench-app",
    }


def signers() -> list[Signer]:
    es256 = ec.generate_private_key(ec.SECP256R1())
    ed = ed25519.Ed25519PrivateKey.generate()
    return [
        Signer(ALGORITHM, es256, es256.public_key()),
        Signer("EdDSA", ed, ed.public_key()),
    ]


def run() -> None:
    report.heading("1. JWT signing: PyJWT ES256 vs EdDSA (Ed25519)")
    claims = _claims()
    es256, eddsa = signers()
    es_token, ed_token = es256.encode(claims), eddsa.encode(claims)
    es_encode, ed_encode, es_decode, ed_decode = interleaved_medians(
        [
            lambda: es256.encode(claims),
            lambda: eddsa.encode(claims),
            lambda: es256.decode(es_token),
            lambda: eddsa.decode(ed_token),
        ],
        batch=OPS_PER_BATCH,
        rounds=ROUNDS,
    )
    report.note(f"median of {ROUNDS} batches of {OPS_PER_BATCH} ops, per op")
    report.line(f"{ALGORITHM} encode (sign)", report.micros(es_encode))
    report.line("EdDSA encode (sign)", report.micros(ed_encode))
    report.line(f"{ALGORITHM} decode + verify", report.micros(es_decode))
    report.line("EdDSA decode + verify", report.micros(ed_decode))
    report.line(f"{ALGORITHM} / EdDSA, encode", report.ratio(es_encode, ed_encode))
    report.line(f"{ALGORITHM} / EdDSA, decode + verify", report.ratio(es_decode, ed_decode))
    report.line(
        f"{ALGORITHM} / EdDSA, encode + decode",
        report.ratio(es_encode + es_decode, ed_encode + ed_decode),
    )
