"""Exercise 1: is the playground fast enough to feel live? (target: >= 10 redraws per second)

Measures, in one run on this machine: engine steps per second without drawing;
redraws per second of the app (each redraw after `steps_per_frame` training
steps, artists updated in place, one PNG rendered); and, for comparison, the
rate when a new matplotlib figure is built for every frame instead.

    .venv/bin/python bench/playground_redraw.py
"""

from __future__ import annotations

import io
import time

import matplotlib

matplotlib.use("Agg")

from d2l_ext.exercises.playground import Playground  # noqa: E402
from d2l_ext.exercises.playground_app import PlaygroundApp  # noqa: E402

FRAMES = 40
TARGET = 10.0


def rate(fn, n: int) -> float:
    fn()  # warm-up
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def main() -> None:
    pg = Playground("circle", "appropriate")
    steps_per_s = rate(lambda: pg.step(1), 500)

    app = PlaygroundApp(Playground("circle", "appropriate"), steps_per_frame=5)
    in_place = rate(lambda: app.step(app.steps_per_frame), FRAMES)

    def new_figure_each_frame() -> None:
        fresh = PlaygroundApp(app.pg, steps_per_frame=5)  # builds the figure and widgets anew
        fresh.pg.step(5)
        buf = io.BytesIO()
        fresh.canvas.print_png(buf)

    rebuilt = rate(new_figure_each_frame, FRAMES // 2)
    print(f"engine alone:                     {steps_per_s:8.0f} steps/s")
    print(
        f"app, redraw in place (5 steps):   {in_place:8.1f} redraws/s   target >= {TARGET:.0f}: "
        f"{'met' if in_place >= TARGET else 'NOT met'}"
    )
    print(f"app, new figure every frame:      {rebuilt:8.1f} redraws/s")
    print(f"in-place / rebuilt:               {in_place / rebuilt:8.2f}x")


if __name__ == "__main__":
    main()
