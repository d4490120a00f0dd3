"""Alternating trials in one run, for the benches that compare two configurations: one warm-up each, then
``repeat`` rounds of every trial in turn (so drift in the machine's speed hits each alike), medians printed."""

from __future__ import annotations

import statistics
from collections.abc import Callable


def alternate(trials: dict[str, Callable[[], float]], repeat: int) -> dict[str, float]:
    """Run each trial once to warm the caches, then ``repeat`` rounds of all of them in turn.

    Args:
        trials: a name for each configuration and the function that times it once (seconds).
        repeat: rounds after the warm-up.

    Returns:
        The median seconds of each configuration, by name (each also printed with its min, max and count).
    """
    for trial in trials.values():
        trial()
    times: dict[str, list[float]] = {name: [] for name in trials}
    for _ in range(repeat):
        for name, trial in trials.items():
            times[name].append(trial())
    width = max(map(len, trials))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    for name, ts in times.items():
        print(f"{name:{width}s}  median {medians[name]:.2f} s  (min {min(ts):.2f}, max {max(ts):.2f}, {len(ts)} runs)")
    return medians
