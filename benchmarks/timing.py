"""Stopwatch helpers: medians of repeated batches, and a deadline that bounds the whole run."""

import statistics
import time
from collections.abc import Callable, Sequence


def seconds_per_op(op: Callable[[], object], ops: int) -> float:
    start = time.perf_counter()
    for _ in range(ops):
        op()
    return (time.perf_counter() - start) / ops


def median_seconds_per_op(op: Callable[[], object], *, ops: int, repeats: int) -> float:
    return statistics.median(seconds_per_op(op, ops) for _ in range(repeats))


def interleaved_medians(
    ops: Sequence[Callable[[], object]], *, batch: int, rounds: int
) -> list[float]:
    """Median seconds per op of each of ops, taking turns batch by batch so drift hits all."""
    samples: list[list[float]] = [[] for _ in ops]
    for _ in range(rounds):
        for index, op in enumerate(ops):
            samples[index].append(seconds_per_op(op, batch))
    return [statistics.median(values) for values in samples]


class Deadline:
    def __init__(self, seconds: float) -> None:
        self._ends_at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._ends_at - time.monotonic()

    def passed(self) -> bool:
        return self.remaining() <= 0
