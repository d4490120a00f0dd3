"""Exercise 1's views and controls: the playground as an ipywidgets app (core widgets only).

One matplotlib figure (Agg, outside pyplot) is built once; every redraw updates
its artists in place and renders it into an ``ipywidgets.Image``. ``Play``
ticks from the browser, so Play/Pause works in JupyterLab and Colab without a
blocking loop in the kernel.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from ..core.datasets import TOY_2D_NAMES
from .app import ExerciseApp
from .playground import EXTENT, INITS, LAYER_SIZES, Playground

__all__ = ["PlaygroundApp", "network_layout"]

POSITIVE, NEGATIVE, NEUTRAL = "#1f77b4", "#e6550d", "#bbbbbb"


def network_layout(sizes: tuple[int, ...] = LAYER_SIZES) -> tuple[list[np.ndarray], list[tuple[int, int, int]]]:
    """Node positions per layer, (n_l, 2) each, and the links as (layer, i_out, j_in) in weight order."""
    nodes = []
    for x, n in enumerate(sizes):
        ys = np.linspace(-(n - 1) / 2, (n - 1) / 2, n) if n > 1 else np.zeros(1)
        nodes.append(np.column_stack([np.full(n, float(x)), ys]))
    links = [
        (layer, i, j) for layer in range(len(sizes) - 1) for i in range(sizes[layer + 1]) for j in range(sizes[layer])
    ]
    return nodes, links


#: view -> (lo, hi): a line is thinnest at |value| <= lo and thickest at >= hi, on a log scale fixed for every
#: init, so that the four inits' weights (and gradients) differ in width, not only in the title's number.
WIDTH_SCALE: dict[str, tuple[float, float]] = {"weights": (1e-3, 10.0), "gradients": (1e-4, 100.0)}


def line_widths(values: np.ndarray, lo: float, hi: float, thin: float = 0.4, thick: float = 5.4) -> np.ndarray:
    """Line widths for values (any shape): ``thin`` at |value| <= lo (and for 0), ``thick`` at >= hi, log in between."""
    mag = np.abs(values)
    frac = np.clip((np.log10(np.maximum(mag, lo)) - np.log10(lo)) / (np.log10(hi) - np.log10(lo)), 0.0, 1.0)
    return thin + (thick - thin) * frac


class PlaygroundApp(ExerciseApp):
    """The playground with choosers, buttons and three views (network, cost, decision boundary).

    ``display(app.widget)`` (or just ``app`` as a cell's last line) shows it.
    Everything a test needs is an attribute: the widgets (``dataset``, ``init``,
    ``view``, ``reset_button``, ``step_button``, ``train_button``, ``play``,
    ``counter``, ``status``, ``image``), the engine ``pg`` and the artists.
    """

    def __init__(self, playground: Playground | None = None, steps_per_frame: int = 5, train_steps: int = 100,
                 resolution: int = 50) -> None:  # fmt: skip
        self.engine = playground or Playground()
        self.steps_per_frame, self.train_steps, self.resolution = steps_per_frame, train_steps, resolution
        self._build_figure()
        self._build_widgets()
        self.redraw()

    @property
    def pg(self) -> Playground:
        """The engine (``engine``), under the name the notebook uses."""
        return self.engine

    # ------------------------------------------------------------------ build
    def _build_figure(self) -> None:
        self._new_figure(figsize=(9.6, 3.2), dpi=92)  # 880 px wide; fonts of 9 pt and more
        ax_net, ax_cost, ax_bound = self.fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.25, 1, 1]})
        self.ax_net, self.ax_cost, self.ax_bound = ax_net, ax_cost, ax_bound
        nodes, self.links = network_layout()
        segments = [(nodes[layer][j], nodes[layer + 1][i]) for layer, i, j in self.links]
        self.link_lines = LineCollection(segments, colors=NEUTRAL, linewidths=1.0, zorder=1)
        ax_net.add_collection(self.link_lines)
        for layer, pts in enumerate(nodes):
            ax_net.scatter(pts[:, 0], pts[:, 1], s=260, c="white", edgecolors="0.3", zorder=2)
            ax_net.text(layer, max(pts[:, 1]) + 0.9, ["input", "hidden 1", "hidden 2", "output"][layer],
                        ha="center", fontsize=10)  # fmt: skip
        ax_net.set(xlim=(-0.4, 3.4), ylim=(-3.4, 3.6))
        ax_net.set_axis_off()
        handles = [Line2D([], [], color=POSITIVE, lw=2, label="positive"),
                   Line2D([], [], color=NEGATIVE, lw=2, label="negative"),
                   Line2D([], [], color=NEUTRAL, lw=2, label="zero")]  # fmt: skip
        self.legend = ax_net.legend(handles=handles, loc="lower center", ncol=3, fontsize=9, frameon=False,
                                    bbox_to_anchor=(0.5, -0.12))  # fmt: skip
        # two lines, written before tight_layout so that the layout leaves room for the title draw() writes
        self.net_title = ax_net.set_title(self._net_title("weights", 0.0), fontsize=10, pad=16)

        (self.cost_line,) = ax_cost.plot([], [], color="C0")
        ax_cost.set(xlabel="step", ylabel="cost (log scale)", yscale="log", title="cost")
        ax_cost.grid(True, alpha=0.3)

        self.heatmap = ax_bound.imshow(np.full((2, 2), 0.5), extent=(*EXTENT, *EXTENT), origin="lower",
                                       cmap="RdBu", vmin=0, vmax=1, interpolation="bilinear")  # fmt: skip
        # a shape per class, not a colour of the background's map: class 0 white circles, class 1 gold triangles
        self.points = {label: ax_bound.scatter([], [], marker=marker, c=color, s=16, edgecolors="k", linewidths=0.5)
                       for label, marker, color in ((0, "o", "white"), (1, "^", "gold"))}  # fmt: skip
        ax_bound.set(xlim=EXTENT, ylim=EXTENT, title="decision boundary: P(y = 1)")
        self.alert = ax_bound.text(0, 0, "", ha="center", va="center", color="red", fontsize=10, wrap=True,
                                   bbox={"fc": "white", "alpha": 0.8, "ec": "red"})  # fmt: skip
        self.alert.set_visible(False)
        self.fig.tight_layout()

    @staticmethod
    def _net_title(view: str, biggest: float) -> str:
        """The network view's title: what is drawn, the fixed log scale of the widths, the largest |value|."""
        lo, hi = WIDTH_SCALE[view]
        return f"{view}: width grows with log |value|\nthin at {lo:g}, thick at {hi:g}; largest {biggest:.3g}"

    def _build_widgets(self) -> None:
        self.dataset = widgets.Dropdown(options=list(TOY_2D_NAMES), value=self.pg.dataset, description="data")
        self.init = widgets.Dropdown(options=list(INITS), value=self.pg.init, description="init")
        self.view = widgets.ToggleButtons(options=["weights", "gradients"], value="weights", description="show")
        buttons = self._build_controls(self.train_steps, self.steps_per_frame)
        self.dataset.observe(self._on_choice, names="value")
        self.init.observe(self._on_choice, names="value")
        self.view.observe(lambda _: self.redraw(), names="value")
        controls = widgets.HBox([self.dataset, self.init, self.view])
        self.widget = widgets.VBox([controls, widgets.HBox([buttons, self.counter]), self.status, self.image])

    # ---------------------------------------------------------------- actions
    def _on_choice(self, _change: object) -> None:
        self.reset()

    def reset(self) -> None:
        """Fresh weights (and data) for the chosen dataset and init."""
        self.pg.reset(self.dataset.value, self.init.value)
        self.redraw()

    # ----------------------------------------------------------------- redraw
    def draw(self) -> None:
        """Update every artist and the counter from the engine's state."""
        pg = self.pg
        values = pg.weights() if self.view.value == "weights" else pg.grads()
        flat = np.concatenate([v.numpy().reshape(-1) for v in values])
        flat = np.where(np.isfinite(flat), flat, 0.0)
        biggest = float(np.abs(flat).max())
        lo, hi = WIDTH_SCALE[self.view.value]
        widths = line_widths(flat, lo, hi)
        colors = np.where(flat > 0, POSITIVE, np.where(flat < 0, NEGATIVE, NEUTRAL))
        self.link_lines.set_linewidths(widths)
        self.link_lines.set_colors(list(colors))
        self.net_title.set_text(self._net_title(self.view.value, biggest))

        costs = np.asarray(pg.costs, dtype=float)
        self.cost_line.set_data(np.arange(len(costs)), costs)
        finite = costs[np.isfinite(costs)]
        self.ax_cost.set_xlim(0, max(len(costs) - 1, 10))
        if len(finite):
            lo, hi = finite.min(), finite.max()
            self.ax_cost.set_ylim(lo / 1.5, hi * 1.5)

        probs = pg.grid_probs(self.resolution).numpy()
        if np.isfinite(probs).any():  # a diverged net keeps its last boundary on screen
            self.heatmap.set_data(probs)
        X, y = pg.X.numpy(), pg.y.numpy()
        for label, artist in self.points.items():
            artist.set_offsets(X[y == label])
        self.alert.set_text(pg.diverged or "")
        self.alert.set_visible(bool(pg.diverged))

        self.counter.value = f"step {pg.step_count}   cost {pg.cost:.4g}   accuracy {pg.accuracy:.0%}"
