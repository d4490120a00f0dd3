"""Exercise 2's views and controls: the MNIST initialization app (core ipywidgets only).

Left: the current batch as a 10x10 image grid and, beside it, the prediction for
each image (blue when correct, red when not). Middle: the cost per batch.
Right: one histogram per hidden layer of its activations on [-1.2, 1.2]. One
Agg figure built once, artists updated in place, rendered into an ``Image``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .app import ExerciseApp
from .mnist_init import HIST_RANGE, INITS, MNISTInit

__all__ = ["MNISTInitApp", "digit_glyphs", "image_grid", "prediction_grid"]

CORRECT, WRONG = (0.12, 0.37, 0.75), (0.84, 0.15, 0.16)  # blue, red
BINS = 40


def digit_glyphs(side: int = 28) -> np.ndarray:
    """Ink masks (10, side, side) in [0, 1] of the digits 0-9, rendered once with matplotlib."""
    fig = Figure(figsize=(1, 1), dpi=side)
    canvas = FigureCanvasAgg(fig)
    masks = []
    for d in range(10):
        fig.clear()
        fig.text(0.5, 0.45, str(d), ha="center", va="center", fontsize=52, fontweight="bold")  # 52 pt: 3/4 of the tile
        canvas.draw()
        masks.append(1.0 - np.asarray(canvas.buffer_rgba())[..., 0] / 255.0)
    return np.stack(masks)


def prediction_grid(predictions: np.ndarray, correct: np.ndarray, glyphs: np.ndarray) -> np.ndarray:
    """RGB image (10 side, 10 side, 3): each prediction's digit, blue when correct and red when not."""
    ink = glyphs[predictions]  # (100, side, side)
    color = np.where(correct[:, None], np.array(CORRECT), np.array(WRONG))  # (100, 3)
    tiles = 1.0 - ink[..., None] * (1.0 - color[:, None, None, :])  # white paper, coloured ink
    side = glyphs.shape[1]
    return tiles.reshape(10, 10, side, side, 3).transpose(0, 2, 1, 3, 4).reshape(10 * side, 10 * side, 3)


def image_grid(images: np.ndarray, rows: int = 10, side: int = 28) -> np.ndarray:
    """Tile (rows * rows, side * side) images into one (rows * side, rows * side) array, row by row."""
    n = rows * rows
    if images.shape != (n, side * side):
        raise ValueError(f"images must be ({n}, {side * side}), got {tuple(images.shape)}")
    return images.reshape(rows, rows, side, side).transpose(0, 2, 1, 3).reshape(rows * side, rows * side)


class MNISTInitApp(ExerciseApp):
    """Init chooser, Reset / Step / Train / Play, and the views; everything a test needs is an attribute."""

    def __init__(self, engine: MNISTInit | None = None, batches_per_frame: int = 3, train_batches: int = 10) -> None:
        self.engine = engine or MNISTInit()
        if self.engine.batch_size != 100:
            raise ValueError(f"the app shows batches of 100 (a 10x10 grid), got {self.engine.batch_size}")
        self.batches_per_frame, self.train_batches = batches_per_frame, train_batches
        self._build_figure()
        self._build_widgets()
        self.redraw()

    def _build_figure(self) -> None:
        self._new_figure(figsize=(10, 3.6), dpi=86)  # 860 px wide; fonts of 9 pt and more
        gs = self.fig.add_gridspec(
            2,
            5,
            width_ratios=[1.5, 1.5, 1.3, 0.8, 0.8],
            wspace=0.5,
            hspace=0.55,
            left=0.01,
            right=0.99,
            bottom=0.12,
            top=0.78,
        )
        self.ax_images = self.fig.add_subplot(gs[:, 0])
        self.ax_preds = self.fig.add_subplot(gs[:, 1])
        self.ax_cost = self.fig.add_subplot(gs[:, 2])
        self.ax_hists = [self.fig.add_subplot(gs[r, 3 + c]) for r in range(2) for c in range(2)]

        self.grid_image = self.ax_images.imshow(np.zeros((280, 280)), cmap="gray_r", vmin=0, vmax=1)
        self.ax_images.set_axis_off()
        self.images_title = self.ax_images.set_title("input batch", fontsize=11)
        self.glyphs = digit_glyphs()
        self.correct = np.ones(100, dtype=bool)
        self.pred_image = self.ax_preds.imshow(np.ones((280, 280, 3)), interpolation="antialiased")
        self.ax_preds.set_axis_off()
        self.preds_title = self.ax_preds.set_title("", fontsize=11)

        (self.cost_line,) = self.ax_cost.plot([], [], lw=1, marker=".", ms=3)
        self.ax_cost.set(xlabel="batch", title="cost per batch\n(cross-entropy, nats)")  # the title names the axis
        self.ax_cost.grid(True, alpha=0.3)
        self.alert = self.ax_cost.text(0.5, 0.5, "", transform=self.ax_cost.transAxes, ha="center", va="center",
                                       color="red", bbox={"fc": "white", "ec": "red"})  # fmt: skip
        self.alert.set_visible(False)

        edges = np.linspace(*HIST_RANGE, BINS + 1)
        self.hists = []  # one filled step patch per layer: one artist, not 40 bars
        for k, ax in enumerate(self.ax_hists):
            self.hists.append(ax.stairs(np.zeros(BINS), edges, fill=True, color="C2"))
            ax.set(xlim=HIST_RANGE, ylim=(0, 1), yticks=[])
            ax.set_title(f"hidden layer {k + 1}", fontsize=10)
            if k >= 2:  # the bottom row names the axis; the top row's label would run into the titles below
                ax.set_xlabel("activation", fontsize=9)
            ax.tick_params(labelsize=9)
        self.fig.text(0.86, 0.99, "activations of each hidden layer\n(height: share of the layer's, one scale)",
                      ha="center", va="top", fontsize=9)

    def _build_widgets(self) -> None:
        self.init = widgets.Dropdown(options=list(INITS), value=self.engine.init, description="init")
        buttons = self._build_controls(self.train_batches, self.batches_per_frame)
        self.misclassified = widgets.Label()
        self.init.observe(lambda _: self.reset(), names="value")
        top = widgets.HBox([self.init, buttons])
        info = widgets.HBox([self.counter, self.misclassified])
        self.widget = widgets.VBox([top, info, self.status, self.image])

    def reset(self) -> None:
        """Fresh weights by the chosen init, back to the first batch."""
        self.engine.reset(self.init.value)
        self.redraw()

    def draw(self) -> None:
        """Update every artist and the labels from the engine's state."""
        e = self.engine
        self.grid_image.set_data(image_grid(e.images.numpy()))
        self.correct = (e.predictions == e.labels).numpy()
        wrong = int((~self.correct).sum())
        self.pred_image.set_data(prediction_grid(e.predictions.numpy(), self.correct, self.glyphs))
        self.preds_title.set_text(f"predictions ({wrong}/100 wrong)")
        costs = np.asarray(e.costs, dtype=float)
        self.cost_line.set_data(np.arange(1, len(costs) + 1), costs)
        self.ax_cost.set_xlim(0, max(len(costs), 10))
        finite = costs[np.isfinite(costs)]
        if len(finite):
            self.ax_cost.set_ylim(0, finite.max() * 1.1)
        self.alert.set_text(e.diverged or "")
        self.alert.set_visible(bool(e.diverged))
        counts, _ = e.histograms(BINS)
        shares = (counts / counts.sum(dim=1, keepdim=True).clamp(min=1)).numpy()
        for hist, share in zip(self.hists, shares, strict=True):
            hist.set_data(values=share)
        top = max(float(shares.max()), 0.05)
        for ax in self.ax_hists:
            ax.set_ylim(0, top * 1.05)
        self.counter.value = f"epoch {e.epoch}, batch {e.batch}/{e.batches_per_epoch} (step {e.step_count})"
        cost = f"{e.costs[-1]:.2f}" if e.costs else "-"  # the last batch's cost, as on the lecture's slide
        self.misclassified.value = f"   Misclassified: {wrong}/100   Cost: {cost}"
