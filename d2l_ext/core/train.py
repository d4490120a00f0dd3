"""The training loop: tensor-resident batches on the session's device; it returns numbers and never draws.

:func:`fit` is the notebooks' fast loop beside ``d2l.Trainer``. It takes a d2l model
(``d2l.Classifier``: its ``loss`` and ``configure_optimizers``) or a plain
``nn.Module`` with an optimizer or a learning rate, and returns a :class:`History`;
drawing it is the caller's choice (:func:`d2l_ext.plot_history`). :func:`early_stopping`
is the one early-stopping rule: ``fit(patience=...)`` and the exercise's checker both use it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from . import config, validate

__all__ = ["History", "early_stopping", "evaluate", "fit"]

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass
class History:
    """Per-epoch record of a training run (lists of floats, one entry per finished epoch)."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    #: None, or a message saying where training stopped because the loss was inf/NaN.
    diverged: str | None = None
    device: str = "cpu"
    #: With ``patience``: the epoch (1-based) whose weights were kept, and why training stopped.
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.train_loss)

    def last(self) -> dict[str, float]:
        """The last epoch's numbers as a dict (NaN where a value is missing)."""

        def tail(xs: list[float]) -> float:
            return xs[-1] if xs else math.nan

        return {
            "train_loss": tail(self.train_loss),
            "train_acc": tail(self.train_acc),
            "val_loss": tail(self.val_loss),
            "val_acc": tail(self.val_acc),
        }


def _loss_fn(model: nn.Module, loss: LossFn | None) -> LossFn:
    if loss is not None:
        return loss
    if hasattr(model, "loss") and callable(model.loss):  # d2l.Classifier / d2l.Module
        return model.loss
    return F.cross_entropy


def _optimizer(model: nn.Module, optimizer: torch.optim.Optimizer | None, lr: float | None) -> torch.optim.Optimizer:
    if optimizer is not None:
        if lr is not None:
            raise ValueError("give either optimizer or lr, not both")
        return optimizer
    if lr is not None:
        return torch.optim.SGD(model.parameters(), lr=validate.positive("lr", lr))
    if hasattr(model, "configure_optimizers"):
        return model.configure_optimizers()
    raise ValueError("a plain nn.Module needs optimizer= or lr=; d2l models bring configure_optimizers()")


def early_stopping(scores: Sequence[float], patience: int, *, higher_is_better: bool = False) -> tuple[int, int | None]:
    """The early-stopping rule of ``fit(patience=...)``, applied to the epochs so far.

    Args:
        scores: one per finished epoch: the validation loss (lower is better), or the accuracy with
            ``higher_is_better``.
        patience: training stops after ``patience`` epochs in a row without a strict improvement of the best
            score (a tie is not an improvement; an improvement restarts the count).
        higher_is_better: True for scores where higher is better (accuracy).

    Returns:
        ``(best_epoch, stop_epoch)``, 1-based: the epoch whose weights to keep, and the epoch after which to
        stop, or None while training should go on (also when ``scores`` is empty: ``(0, None)``).
    """
    validate.integer("patience", patience)
    sign = 1.0 if higher_is_better else -1.0
    best, best_epoch, waited = -math.inf, 0, 0
    for epoch, score in enumerate(scores, start=1):
        if sign * score > best:
            best, best_epoch, waited = sign * score, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, None


def _to(batch: Iterable[torch.Tensor], device: torch.device) -> list[torch.Tensor]:
    return [t.to(device, non_blocking=True) for t in batch]


@torch.no_grad()
def evaluate(
    model: nn.Module, loader: Iterable, loss: LossFn | None = None, device: torch.device | None = None
) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` over ``loader`` in eval mode: ``(loss, acc)``.

    Args:
        model: the network; put in eval mode while evaluating, its mode restored after.
        loader: an iterable of ``(X, y)`` batches.
        loss: the loss function; default the model's own, else cross-entropy.
        device: where to evaluate; default the model's device.

    Returns:
        ``(loss, acc)``: the mean loss and the accuracy, floats.
    """
    device = device or next(model.parameters()).device
    loss_fn = _loss_fn(model, loss)
    was_training = model.training
    model.eval()
    total_loss = total_correct = total_n = 0.0
    for batch in loader:
        *inputs, y = _to(batch, device)
        y_hat = model(*inputs)
        n = len(y)
        total_loss += float(loss_fn(y_hat, y)) * n
        total_correct += float((y_hat.argmax(dim=1) == y).sum())
        total_n += n
    model.train(was_training)
    if total_n == 0:
        raise ValueError("the validation loader yielded no examples")
    return total_loss / total_n, total_correct / total_n


def fit(
    model: nn.Module,
    data: object,
    epochs: int,
    *,
    lr: float | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    loss: LossFn | None = None,
    device: torch.device | str | None = None,
    progress: bool | None = None,
    patience: int | None = None,
    monitor: str = "val_loss",
) -> History:
    """Train ``model`` on ``data`` for ``epochs`` epochs; return the :class:`History`.

    ``data`` is a ``d2l.DataModule`` (``train_dataloader()``/``val_dataloader()``),
    ideally :class:`d2l_ext.core.data.FashionMNIST`, whose tensors are moved to the
    device once. Batches are ``(X, y)`` with integer labels; the loss is the
    model's own (``d2l.Classifier.loss``), ``loss=``, or cross-entropy.
    The model moves to ``device`` (default: the session's, :func:`d2l_ext.default_device`)
    and stays there; the data is used there through ``data.to(device)``, which
    copies it when needed and never changes the caller's object. A non-finite loss
    stops training with a printed message kept in ``History.diverged``.
    ``progress`` shows a tqdm bar (default: on, unless ``CI`` or ``TQDM_DISABLE``
    is set). Nothing is drawn: ``d2l_ext.plot_history(history)`` draws the curves.

    Early stopping: with ``patience=k``, training stops by :func:`early_stopping`
    on ``monitor`` ("val_loss", lower is better, or "val_acc", higher is better),
    and the model gets back the weights of its best epoch (``History.best_epoch``).

    Args:
        model: an ``nn.Module``; a ``d2l.Classifier`` brings its loss and optimizer.
        data: a ``d2l.DataModule`` yielding ``(X (n, ...), y (n,))`` batches.
        epochs: passes over the training data, >= 1.
        lr: SGD's learning rate, > 0 (or ``optimizer``, or the model's own).
        optimizer: a ``torch.optim.Optimizer`` (not with ``lr``).
        loss: the loss function; default the model's own, else cross-entropy.
        device: where to train; default the session's.
        progress: show a tqdm bar; default on unless ``CI`` or ``TQDM_DISABLE`` is set.
        patience: early stopping after this many epochs without improvement, or None.
        monitor: "val_loss" or "val_acc".

    Returns:
        A :class:`History`: per-epoch ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc`` and how training ended.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    validate.integer("epochs", epochs)
    if not (hasattr(data, "train_dataloader") and hasattr(data, "val_dataloader")):
        raise TypeError(f"data must be a d2l.DataModule (train_dataloader/val_dataloader), got {type(data).__name__}")
    if patience is not None:
        validate.integer("patience", patience)
    validate.choice("monitor", monitor, ("val_loss", "val_acc"))
    device = torch.device(device) if device is not None else config.default_device()
    model.to(device)
    if hasattr(data, "to"):
        data = data.to(device)  # a copy on another device; the caller's data stays where it is
    opt = _optimizer(model, optimizer, lr)
    loss_fn = _loss_fn(model, loss)
    train_loader, val_loader = data.train_dataloader(), data.val_dataloader()
    history = History(device=str(device))
    if patience is not None and val_loader is None:
        raise ValueError("early stopping (patience=) needs validation data")
    best_state = None

    if progress is None:
        progress = not config.progress_disabled()
    epoch_iter: Iterable[int] = range(epochs)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(epoch_iter, desc="epochs", leave=False)
        epoch_iter = bar

    for epoch in epoch_iter:
        model.train()
        sum_loss = torch.zeros((), device=device)
        sum_correct = torch.zeros((), device=device)
        n_seen = 0
        for batch_idx, batch in enumerate(train_loader):
            *inputs, y = _to(batch, device)
            y_hat = model(*inputs)
            batch_loss = loss_fn(y_hat, y)
            if not torch.isfinite(batch_loss):
                history.diverged = (
                    f"training diverged at epoch {epoch + 1}, batch {batch_idx + 1} "
                    f"(loss = {batch_loss.detach().item()}); stopped, keeping the {history.epochs} finished epoch(s)"
                )
                break
            opt.zero_grad(set_to_none=True)
            batch_loss.backward()
            opt.step()
            with torch.no_grad():
                sum_loss += batch_loss.detach() * len(y)
                sum_correct += (y_hat.argmax(dim=1) == y).sum()
            n_seen += len(y)
        if history.diverged:
            print(history.diverged)
            break
        history.train_loss.append(float(sum_loss) / n_seen)
        history.train_acc.append(float(sum_correct) / n_seen)
        if val_loader is not None:
            v_loss, v_acc = evaluate(model, val_loader, loss_fn, device)
            history.val_loss.append(v_loss)
            history.val_acc.append(v_acc)
        if bar is not None:
            bar.set_postfix(history.last())
        if patience is not None:
            scores = history.val_loss if monitor == "val_loss" else history.val_acc
            history.best_epoch, stop = early_stopping(scores, patience, higher_is_better=monitor == "val_acc")
            if history.best_epoch == history.epochs:
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            if stop is not None:
                history.stopped_early = True
                break
    if bar is not None:
        bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
