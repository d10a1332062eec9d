"""The token signing key and the secret pepper: from configuration in production, generated
once into the data directory on the embedded default."""

import base64
import hashlib
import json
import logging
import os
import secrets
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from application.clock import Clock
from application.tokens import LEEWAY_SECONDS, TOKEN_LIFETIME, SigningKey
from infrastructure.settings import ConfigurationError, Settings

PEPPER_BYTES = 32
JWKS_MAX_AGE_SECONDS = 300  # how long verifiers may cache the JWKS; new keys publish this early
logger = logging.getLogger(__name__)


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


class RotatingKeys:
    """Signing keys in a directory shared by every worker and host, one PEM file each, named
    `<activation unix time>-<kid>.pem`, beside the base key. The newest active key signs; a key
    keeps verifying (and stays in the JWKS) until a successor has been active longer than a
    token lives, so no token ever outlives its key. New keys are published before they sign,
    so verifiers that cache the JWKS learn them first. See docs/decisions/0014-key-rotation.md."""

    def __init__(self, base: SigningKey, directory: Path | None, clock: Clock) -> None:
        self._base = base
        self._directory = directory
        self._clock = clock
        self._ring: list[tuple[datetime, SigningKey]] = [(_EPOCH, base)]
        self._loaded_version: int | None = None
        self._lock = threading.Lock()

    def signing_key(self) -> SigningKey:
        now = self._clock.now()
        return [key for activation, key in self._current(now) if activation <= now][-1]

    def verification_keys(self) -> dict[str, ec.EllipticCurvePublicKey]:
        now = self._clock.now()
        return {key.kid: key.private_key.public_key() for _, key in self._current(now)}

    def current_kids(self) -> set[str]:
        """The kids of every key not yet retired."""
        return {key.kid for _, key in self._current(self._clock.now())}

    def states(self) -> list[tuple[SigningKey, datetime, str]]:
        """Every key on disk with its activation time and state, for `ledger keys list`."""
        now = self._clock.now()
        current = self.current_kids()
        signing = self.signing_key().kid
        return [
            (key, activation, _state(key.kid, activation, now, signing, current))
            for activation, key in self._ring
        ]

    def _current(self, now: datetime) -> list[tuple[datetime, SigningKey]]:
        """Keys not yet retired, oldest first."""
        with self._lock:
            version = _directory_version(self._directory)  # a stat: cheap on every call
            if version != self._loaded_version:
                self._ring = [(_EPOCH, self._base), *_read_ring(self._directory)]
                self._loaded_version = version
            ring = list(self._ring)
        retire_before = now - TOKEN_LIFETIME - timedelta(seconds=LEEWAY_SECONDS)
        return [
            (activation, key)
            for index, (activation, key) in enumerate(ring)
            if not any(later <= retire_before for later, _ in ring[index + 1 :])
        ]


def rotate_signing_key(settings: Settings, *, activate_in: timedelta, clock: Clock) -> SigningKey:
    """Add a key that starts signing after `activate_in`; delete keys retired for good."""
    directory = signing_keys_directory(settings)
    if directory is None:
        raise ConfigurationError("set LEDGER_SIGNING_KEYS_DIR (shared by every host) to rotate")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = new_private_key_pem()
    private_key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(private_key, ec.EllipticCurvePrivateKey)
    key = SigningKey(kid=jwk_thumbprint(private_key.public_key()), private_key=private_key)
    activation = int((clock.now() + activate_in).timestamp())
    _read_or_create(settings, directory / f"{activation}-{key.kid}.pem", lambda: pem)
    ring = RotatingKeys(load_signing_key(settings), directory, clock)
    current = ring.current_kids()
    for path in directory.glob("*.pem"):
        if path.stem.partition("-")[2] not in current:
            path.unlink()
    return key


def signing_keys_directory(settings: Settings) -> Path | None:
    """None in production without LEDGER_SIGNING_KEYS_DIR: then the configured key is the only
    key, and rotating needs a directory shared by every host."""
    if settings.signing_keys_dir is not None:
        return settings.signing_keys_dir
    return None if settings.production else settings.data_dir / "keys" / "signing"


def _directory_version(directory: Path | None) -> int:
    try:
        return directory.stat().st_mtime_ns if directory else 0
    except FileNotFoundError:
        return 0


def _read_ring(directory: Path | None) -> list[tuple[datetime, SigningKey]]:
    ring = []
    for path in sorted(directory.glob("*.pem")) if directory and directory.is_dir() else []:
        activation, _, _ = path.stem.partition("-")
        try:
            private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (OSError, ValueError, TypeError):
            logger.error("ignoring %s: not a readable private key", path.name)
            continue
        if isinstance(private_key, ec.EllipticCurvePrivateKey) and activation.isdigit():
            key = SigningKey(kid=jwk_thumbprint(private_key.public_key()), private_key=private_key)
            ring.append((datetime.fromtimestamp(int(activation), tz=UTC), key))
    return sorted(ring, key=lambda entry: entry[0])


def _state(kid: str, activation: datetime, now: datetime, signing: str, current: set[str]) -> str:
    if kid == signing:
        return "signing"
    if kid not in current:
        return "retired"
    return "published, not yet signing" if activation > now else "verifying until retired"


_EPOCH = datetime.fromtimestamp(0, tz=UTC)
