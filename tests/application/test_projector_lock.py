import pytest

from infrastructure.projector_lock import ProjectorLock
from infrastructure.settings import Settings


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_only_one_projector_holds_the_lock_until_it_lets_go(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with ProjectorLock(settings) as first, ProjectorLock(settings) as second:
        assert first.try_acquire()
        assert not second.try_acquire()
        first.release()
        assert second.try_acquire()
