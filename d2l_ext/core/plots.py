"""Plotting helpers: one static figure per call, never an accumulating animation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .train import History

__all__ = ["draw_compute_graph", "draw_mlp", "plot_board", "plot_histories", "plot_history"]


def plot_history(history: History, title: str | None = None, show: bool = False) -> Figure:
    """Loss (left) and accuracy (right) against epoch, drawn once after training.

    A run that diverged before finishing an epoch is drawn as a message in the
    axes instead of an empty plot.

    Args:
        history: the :class:`~d2l_ext.core.train.History` of a run.
        title: the figure's title, or None.
        show: call ``plt.show()``.

    Returns:
        The matplotlib ``Figure``.
    """
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(7, 2.6))
    epochs = range(1, history.epochs + 1)
    if history.epochs:
        ax_loss.plot(epochs, history.train_loss, "-", label="train loss")
        if history.val_loss:
            ax_loss.plot(epochs, history.val_loss, "--", label="val loss")
        ax_acc.plot(epochs, history.train_acc, "-", label="train acc")
        if history.val_acc:
            ax_acc.plot(epochs, history.val_acc, "--", label="val acc")
        for ax in (ax_loss, ax_acc):
            ax.legend()
    if history.diverged:
        for ax in (ax_loss, ax_acc):
            ax.text(0.5, 0.5, "diverged", transform=ax.transAxes, ha="center", va="center", color="red")
    ax_loss.set(xlabel="epoch", ylabel="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(True, alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if show:
        plt.show()
    return fig


def plot_histories(histories: dict[str, History], title: str | None = None, show: bool = False) -> Figure:
    """Several runs in one figure: a panel per run (titled by its key), shared axes, one legend below.

    Each panel shows the training loss, the validation loss and the validation accuracy against the epoch;
    a run that diverged says so in its panel.

    Args:
        histories: ``{run name: History}``, one panel each.
        title: the figure's title, or None.
        show: call ``plt.show()``.

    Returns:
        The matplotlib ``Figure``.
    """
    if not histories:
        raise ValueError("histories must name at least one run")
    fig, axes = plt.subplots(1, len(histories), figsize=(3.4 * len(histories), 3.0), sharey=True, squeeze=False)
    curves = (("train_loss", "-", "C0", "train loss"), ("val_loss", "--", "C1", "val loss"),
              ("val_acc", ":", "C2", "val accuracy"))
    for ax, (name, history) in zip(axes[0], histories.items(), strict=True):
        epochs = range(1, history.epochs + 1)
        for key, style, color, label in curves:
            values = getattr(history, key)
            if values:
                ax.plot(epochs[: len(values)], values, style, color=color, lw=2, label=label)
        if history.diverged:
            ax.text(0.5, 0.5, "diverged", transform=ax.transAxes, ha="center", va="center", color="red")
        ax.set(title=name, xlabel="epoch")
        ax.grid(True, alpha=0.3)
    axes[0][0].set_ylabel("loss / accuracy")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(curves), frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    if show:
        plt.show()
    return fig


def plot_board(board: object, title: str | None = None, show: bool = False) -> Figure:
    """Draw once what a ``d2l.ProgressBoard`` collected during ``d2l.Trainer.fit`` (its ``data``).

    Switch the board's animation off before training (``model.board.display = False``): it collects the
    same points, and this draws them after training as one static figure.

    Args:
        board: a ``d2l.ProgressBoard`` that collected points (``board.data``).
        title: the figure's title, or None.
        show: call ``plt.show()``.

    Returns:
        The matplotlib ``Figure``.
    """
    data = getattr(board, "data", None)
    if not data:
        raise ValueError("the board has collected no points: train with d2l.Trainer first")
    fig, ax = plt.subplots(figsize=(4.5, 3.0))
    for (label, points), color in zip(data.items(), ("C0", "C1", "C2", "C3", "C4"), strict=False):
        ax.plot([p.x for p in points], [p.y for p in points], "--" if label.startswith("val") else "-",
                color=color, lw=2, label=label.replace("_", " "))
    ax.set(xlabel=getattr(board, "xlabel", None) or "epoch", ylabel="loss / accuracy", title=title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    if show:
        plt.show()
    return fig


def draw_compute_graph(
    ax: Axes,
    graph: dict[str, tuple[set[str] | list[str], str]],
    pos: dict[str, tuple[float, float]],
    op_pos: dict[str, tuple[float, float]],
    title: str | None = None,
) -> None:
    """Draw a computational graph: variables as squares, operators as circles (longer labels: rounded boxes).

    ``graph[v] = (inputs, op)`` says that variable ``v`` is computed by the
    operator labelled ``op`` from ``inputs``; leaves map to ``((), "")``.
    ``pos`` places each variable, ``op_pos[v]`` the operator that makes ``v``. Arrows end at the edges of
    the boxes they join, so they never run under a label.

    Args:
        ax: the matplotlib axes to draw on.
        graph: ``{variable: (inputs, operator label)}``.
        pos: ``{variable: (x, y)}``.
        op_pos: ``{variable: (x, y)}`` of the operator that makes it.
        title: the axes' title, or None.
    """
    missing = (set(graph) | {i for inputs, _ in graph.values() for i in inputs}) - set(pos)
    if missing:
        raise ValueError(f"pos has no position for {sorted(missing)}")
    # Boxes first, then the arrows, each clipped at the boxes it joins (patchA/patchB), whatever their size.
    ops = {}
    for v, (inputs, op) in graph.items():
        if not inputs:
            continue
        if v not in op_pos:
            raise ValueError(f"op_pos has no position for the operator that makes {v!r}")
        shape = "circle,pad=0.3" if len(op) <= 2 else "round,pad=0.3"  # a symbol in a circle, as in the lecture
        ops[v] = ax.text(*op_pos[v], op, ha="center", va="center", fontsize=9, linespacing=1.0,
                         bbox={"boxstyle": shape, "fc": "#fde9c9", "ec": "#c77c02"})
    boxes = {
        v: ax.text(x, y, v, ha="center", va="center", fontsize=11, fontweight="bold",
                   bbox={"boxstyle": "square,pad=0.3", "fc": "#dbe9f6", "ec": "#2b6aa6"})
        for v, (x, y) in pos.items()
    }
    for v, (inputs, _) in graph.items():
        if not inputs:
            continue
        op = ops[v]
        for start, end in [(boxes[i], op) for i in sorted(inputs)] + [(op, boxes[v])]:
            ax.annotate("", xy=end.get_position(), xytext=start.get_position(), arrowprops={
                "arrowstyle": "-|>", "color": "0.35", "lw": 1.0, "shrinkA": 1, "shrinkB": 1,
                "patchA": start.get_bbox_patch(), "patchB": end.get_bbox_patch()})
    xs = [p[0] for p in (*pos.values(), *op_pos.values())]
    ys = [p[1] for p in (*pos.values(), *op_pos.values())]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=11)


def draw_mlp(
    ax: Axes,
    sizes: tuple[int, ...] = (4, 5, 3),
    dropped: dict[int, set[int]] | None = None,
    names: tuple[str, ...] = ("x", "h", "o"),
    title: str = "",
) -> None:
    """Draw a fully connected MLP, layer by layer from left to right, as in Fig. 5.6.1.

    ``sizes``: units per layer, input first (one name per layer in ``names``). ``dropped`` maps a layer
    index to the units (numbered from 1, as in the labels) that dropout removed: they are drawn hollow
    and crossed out, without their connections.

    Args:
        ax: the matplotlib axes to draw on.
        sizes: units per layer, input first.
        dropped: ``{layer index: units (from 1)}`` removed by dropout, or None.
        names: one variable name per layer.
        title: the axes' title.
    """
    if len(sizes) != len(names) or any(not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"sizes must be positive ints, one per name in {names}, got {sizes}")
    dropped = dropped or {}
    for layer, units in dropped.items():
        if not 0 <= layer < len(sizes):
            raise ValueError(f"dropped: layer {layer} does not exist; layers are 0..{len(sizes) - 1}")
        if not set(units) <= set(range(1, sizes[layer] + 1)):
            raise ValueError(f"dropped units {sorted(units)} of layer {layer}: its units are 1..{sizes[layer]}")
    top = max(sizes)
    pos = {(l, i): (2.0 * l, (top - size) / 2 + size - i) for l, size in enumerate(sizes) for i in range(1, size + 1)}
    alive = {key for key in pos if key[1] not in dropped.get(key[0], set())}
    for (l, i), (x, y) in pos.items():
        if l + 1 < len(sizes) and (l, i) in alive:
            for j in range(1, sizes[l + 1] + 1):
                if (l + 1, j) in alive:
                    x2, y2 = pos[l + 1, j]
                    ax.plot([x, x2], [y, y2], color="0.55", lw=0.8, zorder=1)
    for (l, i), (x, y) in pos.items():
        on = (l, i) in alive
        ax.add_patch(plt.Circle((x, y), 0.32, facecolor="#cfe3f6" if on else "white", edgecolor="k" if on else "0.6",
                                ls="-" if on else "--", zorder=2))  # fmt: skip
        ax.text(x, y, f"${names[l]}_{i}$", ha="center", va="center", fontsize=11, color="k" if on else "0.6", zorder=3)
        if not on:
            ax.plot([x - 0.25, x + 0.25], [y - 0.25, y + 0.25], color="C3", lw=1.5, zorder=3)
            ax.plot([x - 0.25, x + 0.25], [y + 0.25, y - 0.25], color="C3", lw=1.5, zorder=3)
    ax.set(xlim=(-0.6, 2.0 * (len(sizes) - 1) + 0.6), ylim=(-0.6, top - 0.4), aspect="equal", title=title)
    ax.axis("off")
