"""The token signing key and the secret pepper: from configuration in production, generated
once into the data directory on the embedded default."""

import base64
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from application.tokens import SigningKey
from infrastructure.settings import ConfigurationError, Settings

PEPPER_BYTES = 32


def load_signing_key(settings: Settings) -> SigningKey:
    pem = settings.signing_key_pem
    if pem is None:
        _refuse_in_production(settings, "LEDGER_SIGNING_KEY (or LEDGER_SIGNING_KEY_FILE)")
        pem = _read_or_create(
            settings, settings.data_dir / "keys" / "signing-key.pem", new_private_key_pem
        )
    try:
        private_key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as error:
        raise ConfigurationError(f"the signing key is not a PEM private key: {error}") from None
    if not isinstance(private_key, ec.EllipticCurvePrivateKey) or not isinstance(
        private_key.curve, ec.SECP256R1
    ):
        raise ConfigurationError("the signing key must be an EC P-256 private key (ES256)")
    return SigningKey(kid=jwk_thumbprint(private_key.public_key()), private_key=private_key)


def load_pepper(settings: Settings) -> bytes:
    encoded = settings.pepper
    if encoded is None:
        _refuse_in_production(settings, "LEDGER_SECRET_PEPPER (or LEDGER_SECRET_PEPPER_FILE)")
        encoded = _read_or_create(
            settings,
            settings.data_dir / "keys" / "pepper",
            lambda: base64.urlsafe_b64encode(secrets.token_bytes(PEPPER_BYTES)).decode(),
        )
    try:
        pepper = base64.urlsafe_b64decode(encoded.strip().encode())
    except ValueError:
        raise ConfigurationError("the secret pepper must be URL-safe base64") from None
    if len(pepper) < PEPPER_BYTES:
        raise ConfigurationError(f"the secret pepper must decode to at least {PEPPER_BYTES} bytes")
    return pepper


def jwk_thumbprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """RFC 7638 thumbprint, used as the key id."""
    numbers = public_key.public_numbers()
    members = {
        "crv": "P-256",
        "kty": "EC",
        "x": _b64(numbers.x.to_bytes(32, "big")),
        "y": _b64(numbers.y.to_bytes(32, "big")),
    }
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return _b64(hashlib.sha256(canonical).digest())


def new_private_key_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _read_or_create(settings: Settings, path: Path, make: Callable[[], str]) -> str:
    """Create the file once, readable by its owner only; later starts read it back.
    Written aside and linked into place, so a concurrent worker never reads half a file.
    Only where the store may be created too: a wrong LEDGER_DATA_DIR must not quietly mint
    a new pepper, under which every stored digest looks forged."""
    if not path.exists() and not settings.create_tables:
        raise ConfigurationError(f"no key at {path}: is LEDGER_DATA_DIR right?")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(make())
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process created it first; use theirs
        finally:
            os.unlink(temporary)
    return path.read_text()


def _refuse_in_production(settings: Settings, what: str) -> None:
    if settings.production:
        raise ConfigurationError(
            f"LEDGER_ENV=production: set {what}; keys are generated only for development"
        )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
