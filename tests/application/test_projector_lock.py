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


@pytest.mark.parametrize("store", ["postgres"])
def test_a_lock_whose_session_was_killed_is_known_to_be_lost(settings: Settings) -> None:
    import psycopg

    from tests.stores import postgres_url

    with ProjectorLock(settings) as lock, ProjectorLock(settings) as standby:
        assert lock.try_acquire() and lock.still_held()
        with psycopg.connect(postgres_url(), autocommit=True) as admin:
            backend = lock._connection.info.backend_pid  # as a network drop or failover would
            admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
        assert not lock.still_held()
        assert standby.try_acquire()
