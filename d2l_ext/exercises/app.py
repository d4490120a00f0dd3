"""What both exercise apps share: the Reset / Step / Train / Play controls, PNG rendering, the display hook.

An app holds an engine (``reset(...)``, ``step(k)``, ``diverged``) and one matplotlib figure (Agg, outside
pyplot) built once. Every redraw updates the figure's artists in place (the subclass's ``draw``) and renders
it once into an ``ipywidgets.Image``. ``Play`` ticks from the browser, so Play/Pause works in JupyterLab and
Colab without a blocking loop in the kernel. Core widgets only (ipywidgets 7 and 8).
"""

from __future__ import annotations

import io
from typing import Any

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["ExerciseApp"]


class ExerciseApp:
    """Base of the two apps. Subclasses set ``engine``, call :meth:`_build_controls`, and implement
    ``reset()`` (fresh weights from the choosers) and ``draw()`` (update the artists and the labels)."""

    engine: Any

    def _new_figure(self, figsize: tuple[float, float], dpi: int) -> Figure:
        self.fig = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        return self.fig

    def _build_controls(self, train_steps: int, steps_per_frame: int) -> widgets.HBox:
        """Reset, Step, Train ``train_steps``, Play (``steps_per_frame`` per tick) and the shared outputs."""
        self.reset_button = widgets.Button(description="Reset", icon="refresh")
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.train_button = widgets.Button(description=f"Train {train_steps}", icon="forward")
        self.play = widgets.Play(value=0, min=0, max=10**9, step=1, interval=100, description="Play/Pause")
        self.counter = widgets.Label()
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.reset_button.on_click(lambda _: self.reset())
        self.step_button.on_click(lambda _: self.step(1))
        self.train_button.on_click(lambda _: self.step(train_steps))
        self.play.observe(lambda _: self.step(steps_per_frame), names="value")
        return widgets.HBox([self.reset_button, self.step_button, self.train_button, self.play])

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def reset(self) -> None:  # pragma: no cover - each app defines it
        raise NotImplementedError

    def draw(self) -> None:  # pragma: no cover - each app defines it
        raise NotImplementedError

    def step(self, k: int) -> None:
        """Train ``k`` steps and redraw; Play pauses once the run diverges (and a diverged run stays put)."""
        if not self.engine.diverged:
            self.engine.step(k)
        if self.engine.diverged:
            self.play.playing = False
        self.redraw()

    def redraw(self) -> None:
        """Update every artist in place from the engine's state, then render the PNG once."""
        self.draw()
        diverged = self.engine.diverged
        self.status.value = f"<b style='color:#c00'>{diverged}</b>" if diverged else ""
        buf = io.BytesIO()
        self.canvas.print_png(buf)
        self.image.value = buf.getvalue()
