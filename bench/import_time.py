"""What `import d2l_ext` costs beside `import torch, matplotlib.pyplot` (target: at most 1 s more), in one run.

Each import runs in a fresh interpreter, the two alternating, ``--repeat`` times each; prints the medians and the
difference. d2l (with torchvision, pandas and more) is imported on first use of a name that needs it, not here.

    .venv/bin/python bench/import_time.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from functools import partial

from alternate import alternate

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
    medians = alternate({name: partial(seconds, statement) for name, statement in STATEMENTS.items()}, args.repeat)
    extra = medians["import d2l_ext"] - medians["import torch, matplotlib.pyplot"]
    print(f"d2l_ext costs {extra:+.2f} s over torch + matplotlib (target <= {TARGET_S:.1f} s)")
    return 0 if extra <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
