"""What `import d2l_ext` costs beside `import torch, matplotlib.pyplot` (target: at most 1 s more), in one run.

Each import runs in a fresh interpreter, the two alternating, ``--repeat`` times each; prints the medians and the
difference. d2l (with torchvision, pandas and more) is imported on first use of a name that needs it, not here.

    .venv/bin/python bench/import_time.py
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

TARGET_S = 1.0
STATEMENTS = {"import torch, matplotlib.pyplot": "import torch, matplotlib.pyplot", "import d2l_ext": "import d2l_ext"}


def seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for statement in STATEMENTS.values():  # warm the file cache once
        seconds(statement)
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(args.repeat):
        for name, statement in STATEMENTS.items():
            times[name].append(seconds(statement))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    for name, ts in times.items():
        print(f"{name:34s} median {medians[name]:.2f} s  (min {min(ts):.2f}, max {max(ts):.2f}, {len(ts)} runs)")
    extra = medians["import d2l_ext"] - medians["import torch, matplotlib.pyplot"]
    print(f"d2l_ext costs {extra:+.2f} s over torch + matplotlib (target <= {TARGET_S:.1f} s)")
    return 0 if extra <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
