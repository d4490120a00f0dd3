"""Exercise 1's engine: the initialization playground on 2-D data (plain Python, no widgets).

The deeplearning.ai exercise, reproduced: a [2, 6, 3, 1] network
(Linear-ReLU-Linear-ReLU-Linear-sigmoid, biases 0) trained by full-batch
gradient descent with learning rate 0.1 on binary cross-entropy, on one of four
toy datasets, from one of four initializations N(0, v/n_in), v in {0, 0.01, 1, 100}.
The views (``d2l_ext.exercises.playground_app``) only read the state kept here.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..core import validate
from ..core.datasets import TOY_2D_NAMES, toy_2d
from ..init import init_

__all__ = ["INITS", "LAYER_SIZES", "Playground"]

#: The exercise's four initializations, in the order the exercise lists them.
INITS = ("zero", "too_small", "appropriate", "too_large")
#: Units per layer of the exercise's network.
LAYER_SIZES = (2, 6, 3, 1)
#: The square the decision boundary is drawn over.
EXTENT = (-5.0, 5.0)


class Playground:
    """Reset, step and inspect the exercise's network.

    State after ``reset``/``step``: ``step_count``; ``costs`` (cost before each
    step, then the current one: ``len(costs) == step_count + 1``); ``accuracy``;
    ``weights()`` and ``grads()`` (one (n_out, n_in) tensor per layer, the
    gradient of the current cost); ``grid_probs()`` for the decision boundary;
    ``diverged`` (None, or "diverged at step k ...").
    """

    def __init__(
        self,
        dataset: str = "circle",
        init: str = "appropriate",
        n: int = 200,
        lr: float = 0.1,
        seed: int = 0,
    ) -> None:
        self.n, self.lr, self.seed = validate.integer("n", n, min=4), validate.positive("lr", lr), seed
        self.reset(dataset, init)

    # ----------------------------------------------------------------- state
    def reset(self, dataset: str | None = None, init: str | None = None) -> Playground:
        """Start over (same seed): new data if ``dataset`` changes, fresh weights by ``init``."""
        dataset = self.dataset if dataset is None else dataset
        init = self.init if init is None else init
        validate.choice("dataset", dataset, TOY_2D_NAMES)
        validate.choice("init", init, INITS)
        self.dataset, self.init = dataset, init
        self.X, self.y = toy_2d(dataset, n=self.n, seed=self.seed)
        sizes = LAYER_SIZES
        self.layers = [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
        self.net = nn.Sequential(self.layers[0], nn.ReLU(), self.layers[1], nn.ReLU(), self.layers[2])
        init_(self.net, init, torch.Generator().manual_seed(self.seed))
        self.step_count = 0
        self.diverged: str | None = None
        self.costs: list[float] = []
        self._forward_backward()
        return self

    def _forward_backward(self) -> float:
        """Cost and gradients at the current weights (no update)."""
        for p in self.net.parameters():
            p.grad = None
        logits = self.net(self.X).squeeze(1)
        cost = F.binary_cross_entropy_with_logits(logits, self.y)
        cost.backward()
        value = cost.item()
        self.costs.append(value)
        if not math.isfinite(value):
            self.diverged = f"diverged at step {self.step_count} (cost = {value}); press Reset"
        with torch.no_grad():
            self.accuracy = ((logits > 0).float() == self.y).float().mean().item()
        return value

    def step(self, k: int = 1) -> Playground:
        """Take ``k`` full-batch gradient descent steps (stops early and says so if the cost diverges)."""
        validate.integer("k", k)
        for _ in range(k):
            if self.diverged:
                break
            with torch.no_grad():
                for p in self.net.parameters():
                    p -= self.lr * p.grad
            self.step_count += 1
            self._forward_backward()
        return self

    # ----------------------------------------------------------------- views
    @property
    def cost(self) -> float:
        """The current cost."""
        return self.costs[-1]

    def weights(self) -> list[torch.Tensor]:
        """Current weight matrices, (n_out, n_in) per layer: (6, 2), (3, 6), (1, 3)."""
        return [layer.weight.detach().clone() for layer in self.layers]

    def grads(self) -> list[torch.Tensor]:
        """Gradient of the current cost with respect to each weight matrix (shapes as ``weights``)."""
        return [layer.weight.grad.detach().clone() for layer in self.layers]

    @torch.no_grad()
    def grid_probs(self, resolution: int = 60) -> torch.Tensor:
        """Predicted P(y = 1) on a ``resolution`` x ``resolution`` grid over [-5, 5]^2.

        Row i is y = linspace(-5, 5)[i] (the lowest row first, for ``imshow(origin="lower")``).
        Non-finite predictions (a diverged net) come back as NaN.
        """
        validate.integer("resolution", resolution, min=2)
        axis = torch.linspace(*EXTENT, resolution)
        yy, xx = torch.meshgrid(axis, axis, indexing="ij")
        grid = torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)
        probs = torch.sigmoid(self.net(grid).squeeze(1)).reshape(resolution, resolution)
        return torch.where(torch.isfinite(probs), probs, torch.nan)
