import matplotlib.pyplot as plt
import pytest

import d2l_ext


def test_plot_history_of_a_diverged_run_is_not_blank():
    history = d2l_ext.History(diverged="training diverged at epoch 1, batch 3")
    fig = d2l_ext.plot_history(history)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts == ["diverged", "diverged"]
    plt.close(fig)


def test_plot_history_draws_each_curve_once():
    history = d2l_ext.History(train_loss=[1.0, 0.5], train_acc=[0.5, 0.7], val_loss=[1.1, 0.6], val_acc=[0.4, 0.6])
    fig = d2l_ext.plot_history(history, title="t")
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]
    assert fig.axes[0].get_xlabel() == "epoch"
    plt.close(fig)


def test_plot_histories_one_titled_panel_per_run_and_one_legend():
    ok = d2l_ext.History(train_loss=[1.0, 0.5], train_acc=[0.5, 0.7], val_loss=[1.1, 0.6], val_acc=[0.4, 0.6])
    bad = d2l_ext.History(diverged="training diverged at epoch 1, batch 3")
    fig = d2l_ext.plot_histories({"run a": ok, "run b": bad}, title="t")
    assert [ax.get_title() for ax in fig.axes] == ["run a", "run b"]
    assert [len(ax.lines) for ax in fig.axes] == [3, 0] and fig.axes[1].texts[0].get_text() == "diverged"
    assert len(fig.legends) == 1 and not any(ax.get_legend() for ax in fig.axes)  # the legend hides no curve
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one run"):
        d2l_ext.plot_histories({})


def test_plot_board_draws_what_d2l_trainer_collected():
    import d2l.torch as d2l

    board = d2l.ProgressBoard(display=False)
    for step in range(1, 5):
        board.draw(step / 2, 1 / step, "train_loss", every_n=2)
        board.draw(step, 0.5, "val_acc")
    fig = d2l_ext.plot_board(board, title="t")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["train loss", "val acc"]
    assert list(ax.lines[0].get_ydata()) == [0.75, 0.291_666_666_666_666_63]  # means of every_n points
    plt.close(fig)
    with pytest.raises(ValueError, match="no points"):
        d2l_ext.plot_board(d2l.ProgressBoard(display=False))


def test_draw_compute_graph_and_its_errors():
    fig, ax = plt.subplots()
    graph = {"x": ((), ""), "y": ({"x"}, "f")}
    d2l_ext.draw_compute_graph(ax, graph, {"x": (0, 0), "y": (2, 0)}, {"y": (1, 0)}, "g")
    assert {t.get_text() for t in ax.texts} >= {"x", "y", "f"}
    with pytest.raises(ValueError, match="no position for"):
        d2l_ext.draw_compute_graph(ax, graph, {"x": (0, 0)}, {"y": (1, 0)})
    with pytest.raises(ValueError, match="operator that makes 'y'"):
        d2l_ext.draw_compute_graph(ax, graph, {"x": (0, 0), "y": (2, 0)}, {})
    plt.close(fig)


def test_draw_mlp_drops_units_and_their_connections():
    import matplotlib.pyplot as plt

    from d2l_ext import draw_mlp

    fig, (full, after) = plt.subplots(1, 2)
    draw_mlp(full, (4, 5, 3))
    draw_mlp(after, (4, 5, 3), dropped={1: {2, 5}})
    assert len(full.lines) == 4 * 5 + 5 * 3  # every connection
    assert len(after.lines) == 4 * 3 + 3 * 3 + 2 * 2  # h2, h5 without connections, crossed out
    with pytest.raises(ValueError, match="its units are 1..5"):
        draw_mlp(full, (4, 5, 3), dropped={1: {6}})
    plt.close(fig)
