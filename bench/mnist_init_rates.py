"""Exercise 2: training and redraw rates of the MNIST app (target: >= 20 training batches per second).

Measures, in one run on this machine: batches per second of the engine alone;
with the app drawing after every batch; and with the app drawing every
`batches_per_frame` batches (what Play does).

    .venv/bin/python bench/mnist_init_rates.py
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")

from d2l_ext.exercises.mnist_init import MNISTInit  # noqa: E402
from d2l_ext.exercises.mnist_init_app import MNISTInitApp  # noqa: E402

TARGET = 20.0


def batches_per_s(step, batches_per_call: int, calls: int) -> float:
    step()  # warm-up
    start = time.perf_counter()
    for _ in range(calls):
        step()
    return batches_per_call * calls / (time.perf_counter() - start)


def main() -> None:
    engine = MNISTInit("xavier")
    alone = batches_per_s(lambda: engine.step(1), 1, 100)
    app1 = MNISTInitApp(MNISTInit("xavier", data=(engine.X, engine.y)), batches_per_frame=1)
    every = batches_per_s(lambda: app1.step(1), 1, 20)
    app3 = MNISTInitApp(MNISTInit("xavier", data=(engine.X, engine.y)))  # Play's default: 3 batches per frame
    k = app3.batches_per_frame
    play = batches_per_s(lambda: app3.step(k), k, 20)
    print(f"data: {engine.source}")
    print(f"engine alone:                    {alone:7.1f} batches/s")
    print(f"app, redraw after every batch:   {every:7.1f} batches/s ({every:.1f} redraws/s)")
    print(
        f"app, redraw every {k} batches:     {play:7.1f} batches/s ({play / k:.1f} redraws/s)   "
        f"target >= {TARGET:.0f} batches/s: {'met' if play >= TARGET else 'NOT met'}"
    )
    print(f"drawing costs {alone / every:.1f}x when drawn every batch, {alone / play:.1f}x every {k}")
    print(
        f"Play ticks every {app3.play.interval} ms, so the browser shows at most "
        f"{1000 / app3.play.interval * k:.0f} batches/s"
    )


if __name__ == "__main__":
    main()
