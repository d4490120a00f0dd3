"""Run `make` targets one after the other, time each, and print a summary: what `make test` prints at the end.

    python tools/stages.py lint unit notebooks ...

Every stage runs even when an earlier one failed (one CI run shows every failure); the exit status is 1 if any
stage failed. Output streams as it comes.
"""

from __future__ import annotations

import subprocess
import sys
import time


def main(stages: list[str]) -> int:
    if not stages:
        sys.exit(__doc__)
    results = []
    for stage in stages:
        print(f"\n=== make {stage}", flush=True)
        start = time.perf_counter()
        code = subprocess.run(["make", "--no-print-directory", stage]).returncode
        results.append((stage, time.perf_counter() - start, code))
    total = sum(seconds for _, seconds, _ in results)
    width = max(len(stage) for stage in stages)
    print(f"\n{'stage':<{width}}  {'time':>8}  result")
    for stage, seconds, code in results:
        print(f"{stage:<{width}}  {seconds / 60:>6.1f} m  {'ok' if code == 0 else f'FAILED (exit {code})'}")
    print(f"{'total':<{width}}  {total / 60:>6.1f} m")
    failed = [stage for stage, _, code in results if code]
    if failed:
        print(f"\nmake test FAILED in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
