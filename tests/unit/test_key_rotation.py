from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import jwt
import pytest

from application.errors import InvalidTokenError
from application.tokens import AccessTokens
from infrastructure.keys import RotatingKeys, load_signing_key, rotate_signing_key
from infrastructure.settings import ConfigurationError, Settings
from tests.fakes import FakeClock


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_environ({"LEDGER_DATA_DIR": str(tmp_path / "var")})


def worker(settings: Settings, clock: FakeClock) -> AccessTokens:
    """What each worker builds: its own view of the shared key directory."""
    ring = RotatingKeys(load_signing_key(settings), settings.data_dir / "keys" / "signing", clock)
    return AccessTokens(ring, "https://issuer", "aud")


def mint(tokens: AccessTokens, clock: FakeClock) -> str:
    return tokens.mint(tenant_id=uuid4(), app_name="a", epoch=1, issued_at=clock.now()).token


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def kids(tokens: AccessTokens) -> list[str]:
    return [key["kid"] for key in tokens.jwks()["keys"]]


def test_a_new_key_is_published_first_then_signs_and_the_old_one_retires_after_a_day(
    settings: Settings,
) -> None:
    clock = FakeClock()
    tokens = worker(settings, clock)
    old_kid = kids(tokens)[0]
    old_token = mint(tokens, clock)

    new = rotate_signing_key(settings, activate_in=timedelta(minutes=10), clock=clock)
    assert kids(tokens) == [old_kid, new.kid]  # published before it signs
    assert mint(tokens, clock).split(".")[0] == old_token.split(".")[0]  # the old kid signs

    clock.advance(minutes=10)
    fresh = mint(tokens, clock)
    assert kid_of(fresh) == new.kid  # the new key signs
    assert tokens.verify(old_token)  # and the old one still verifies
    assert kids(tokens) == [old_kid, new.kid]

    clock.advance(hours=24, seconds=31)
    assert kids(tokens) == [new.kid]  # every token the old key signed has expired
    forged_late = AccessTokens(load_signing_key(settings), "https://issuer", "aud")
    with pytest.raises(InvalidTokenError):  # a fresh token under the retired key
        tokens.verify(mint(forged_late, FakeClock()))
    assert kids(worker(settings, clock)) == [new.kid]  # another worker, same directory


def test_rotation_deletes_keys_that_are_retired_for_good(settings: Settings) -> None:
    clock = FakeClock()
    rotate_signing_key(settings, activate_in=timedelta(0), clock=clock)
    clock.advance(days=2)
    rotate_signing_key(settings, activate_in=timedelta(0), clock=clock)
    clock.advance(days=2)
    rotate_signing_key(settings, activate_in=timedelta(0), clock=clock)
    assert len(list((settings.data_dir / "keys" / "signing").glob("*.pem"))) == 2


def test_production_rotation_needs_a_shared_directory(tmp_path: Path) -> None:
    from infrastructure.keys import new_private_key_pem

    production = Settings.from_environ(
        {
            "LEDGER_ENV": "production",
            "LEDGER_DATA_DIR": str(tmp_path),
            "LEDGER_SIGNING_KEY": new_private_key_pem(),
        }
    )
    with pytest.raises(ConfigurationError, match="LEDGER_SIGNING_KEYS_DIR"):
        rotate_signing_key(production, activate_in=timedelta(0), clock=FakeClock())


def test_an_unreadable_key_file_is_skipped_not_fatal(settings: Settings) -> None:
    clock = FakeClock()
    rotate_signing_key(settings, activate_in=timedelta(0), clock=clock)
    (settings.data_dir / "keys" / "signing" / "9999999999-junk.pem").write_text("junk")
    tokens = worker(settings, clock)
    assert len(kids(tokens)) == 2
    assert tokens.verify(mint(tokens, clock))
