"""The training loop: tensor-resident batches on the chosen device, one figure at the end.

:func:`fit` replaces ``d2l.Trainer`` in the notebooks. It takes a d2l model
(``d2l.Classifier``: its ``loss`` and ``configure_optimizers``) or a plain
``nn.Module`` with an optimizer or a learning rate, and returns a
:class:`History`. It never animates: it draws one figure after training.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from . import config

__all__ = ["History", "fit", "evaluate"]

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
        if not (isinstance(lr, (int, float)) and lr > 0 and math.isfinite(lr)):
            raise ValueError(f"lr must be a positive finite number, got {lr!r}")
        return torch.optim.SGD(model.parameters(), lr=lr)
    if hasattr(model, "configure_optimizers"):
        return model.configure_optimizers()
    raise ValueError("a plain nn.Module needs optimizer= or lr=; d2l models bring configure_optimizers()")


def _to(batch: Iterable[torch.Tensor], device: torch.device) -> list[torch.Tensor]:
    return [t.to(device, non_blocking=True) for t in batch]


@torch.no_grad()
def evaluate(
    model: nn.Module, loader: Iterable, loss: LossFn | None = None, device: torch.device | None = None
) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` over ``loader`` in eval mode: ``(loss, acc)``."""
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
    plot: bool = True,
    progress: bool | None = None,
    title: str | None = None,
    patience: int | None = None,
    monitor: str = "val_loss",
) -> History:
    """Train ``model`` on ``data`` for ``epochs`` epochs; return the :class:`History`.

    ``data`` is a ``d2l.DataModule`` (``train_dataloader()``/``val_dataloader()``),
    ideally :class:`d2l_ext.data.FashionMNIST`, whose tensors are moved to the
    device once. Batches are ``(X, y)`` with integer labels; the loss is the
    model's own (``d2l.Classifier.loss``), ``loss=``, or cross-entropy.
    The model and data go to ``device`` (default: CUDA, then MPS, then CPU) and
    stay there. A non-finite loss stops training with a printed message kept in
    ``History.diverged``. ``plot`` draws one figure after training; ``progress``
    shows a tqdm bar (default: on, unless ``CI`` or ``TQDM_DISABLE`` is set).

    Early stopping: with ``patience=k``, training stops once ``monitor``
    ("val_loss", lower is better, or "val_acc", higher is better) has not
    improved for k epochs, and the model gets back the weights of its best
    epoch (``History.best_epoch``).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if not (hasattr(data, "train_dataloader") and hasattr(data, "val_dataloader")):
        raise TypeError(f"data must be a d2l.DataModule (train_dataloader/val_dataloader), got {type(data).__name__}")
    if patience is not None and (isinstance(patience, bool) or not isinstance(patience, int) or patience < 1):
        raise ValueError(f"patience must be None or an int >= 1, got {patience!r}")
    if monitor not in ("val_loss", "val_acc"):
        raise ValueError(f"monitor must be 'val_loss' or 'val_acc', got {monitor!r}")
    device = torch.device(device) if device is not None else config.default_device()
    model.to(device)
    if hasattr(data, "to"):
        data.to(device)
    opt = _optimizer(model, optimizer, lr)
    loss_fn = _loss_fn(model, loss)
    train_loader, val_loader = data.train_dataloader(), data.val_dataloader()
    history = History(device=str(device))
    if patience is not None and val_loader is None:
        raise ValueError("early stopping (patience=) needs validation data")
    best_score, best_state, waited = -math.inf, None, 0

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
            score = -history.val_loss[-1] if monitor == "val_loss" else history.val_acc[-1]
            if score > best_score:
                best_score, waited, history.best_epoch = score, 0, history.epochs
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                waited += 1
                if waited >= patience:
                    history.stopped_early = True
                    break
    if bar is not None:
        bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    if plot:
        from .plots import plot_history

        plot_history(history, title=title, show=True)
    return history
