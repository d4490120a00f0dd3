"""What a check watches while it runs the student's function: inputs changed in place, and forbidden calls.

A check passes the student's function real tensors, not clones, and compares them afterwards with a
snapshot: a function that changes its caller's tensors (``z.sigmoid_()``, ``g.mul_(...)``) would silently
corrupt the notebook's next cell, so the check says so. When a task says "without autograd" or "not
``nn.init``", the check runs the function with those calls replaced by a stub that raises, and also looks
for them among the names the function's code refers to (``from torch.nn.init import xavier_uniform_``).
Calls made by a library on the student's behalf (``nn.Linear`` initializing itself) are let through: only
a call from the student's own code is refused.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

__all__ = [
    "AUTOGRAD",
    "CLIPPING",
    "NN_INIT",
    "Forbidden",
    "ForbiddenCall",
    "changed_input",
    "forbidding",
    "referenced",
    "snapshot",
]

_LIBRARY = (str(Path(torch.__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent))


@dataclass(frozen=True)
class Forbidden:
    """A call a task rules out: ``path`` is a dotted name ("torch.nn.init.xavier_uniform_", "torch.Tensor.backward"),
    ``instead`` says what the task asks for."""

    path: str
    instead: str

    @property
    def name(self) -> str:
        """The name a student writes: the last two parts of the path."""
        return ".".join(self.path.split(".")[-2:])

    def resolve(self) -> tuple[object, str]:
        """(the module or class that holds it, the attribute name)."""
        owner_path, attr = self.path.rsplit(".", 1)
        parts = owner_path.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                owner = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for part in parts[cut:]:
                owner = getattr(owner, part)
            return owner, attr
        raise ImportError(f"cannot resolve {self.path}")


def _rules(paths: Sequence[str], instead: str) -> tuple[Forbidden, ...]:
    return tuple(Forbidden(p, instead) for p in paths)


#: "without autograd": the gradient is derived by hand.
AUTOGRAD = _rules(
    ("torch.Tensor.backward", "torch.autograd.backward", "torch.autograd.grad", "torch.autograd.gradcheck"),
    "derive the gradient by hand: the task asks for it without autograd",
)
#: "not nn.init": the weights are drawn with torch.rand or torch.randn.
NN_INIT = _rules(
    tuple(
        f"torch.nn.init.{name}"
        for name in (
            "uniform_",
            "normal_",
            "xavier_uniform_",
            "xavier_normal_",
            "kaiming_uniform_",
            "kaiming_normal_",
            "trunc_normal_",
            "constant_",
            "orthogonal_",
            "sparse_",
        )
    ),  # fmt: skip
    "draw the weights yourself with torch.rand: the task rules out nn.init",
)
#: "write the clipping rule": not the library's clip.
CLIPPING = _rules(
    ("torch.nn.utils.clip_grad_norm_", "torch.nn.utils.clip_grad_norm", "torch.nn.utils.clip_grad_value_"),
    "write the rule min(1, theta/||g||) g yourself: the task asks for it instead of the library's",
)


class ForbiddenCall(Exception):
    """The student's code called a function the task rules out."""

    def __init__(self, rule: Forbidden) -> None:
        super().__init__(rule.path)
        self.rule = rule


def _from_student(frame: types.FrameType | None) -> bool:
    filename = frame.f_code.co_filename if frame is not None else ""
    return not filename.startswith(_LIBRARY) and not {"site-packages", "dist-packages"} & set(Path(filename).parts)


@contextmanager
def forbidding(rules: Sequence[Forbidden]) -> Iterator[None]:
    """Within the block, a call of any of ``rules`` from the student's code raises :class:`ForbiddenCall`."""
    saved: list[tuple[object, str, object]] = []
    try:
        for rule in rules:
            owner, attr = rule.resolve()
            original = getattr(owner, attr, None)
            if original is None:  # not in this version of torch
                continue

            def stub(*args: Any, _original: Any = original, _rule: Forbidden = rule, **kwargs: Any) -> Any:
                if _from_student(sys._getframe(1)):
                    raise ForbiddenCall(_rule)
                return _original(*args, **kwargs)

            functools.update_wrapper(stub, original)
            saved.append((owner, attr, original))
            setattr(owner, attr, stub)
        yield
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def referenced(fn: Callable[..., object], rules: Sequence[Forbidden]) -> Forbidden | None:
    """A rule whose function ``fn``'s code refers to by a plain name (imported directly), or None."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    scope = dict(getattr(fn, "__globals__", {}))
    for name, cell in zip(code.co_freevars, getattr(fn, "__closure__", None) or (), strict=True):
        try:
            scope[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    used = {id(scope[name]) for name in _code_names(code) | set(code.co_freevars) if name in scope}
    for rule in rules:
        try:
            owner, attr = rule.resolve()
        except (ImportError, AttributeError):
            continue
        if id(getattr(owner, attr, None)) in used:
            return rule
    return None


def _copy(value: object) -> object:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, list | tuple):
        return type(value)(_copy(v) for v in value) if isinstance(value, tuple) else [_copy(v) for v in value]
    return None  # nothing the check needs to watch


def _same(before: object, after: object) -> bool:
    if isinstance(before, torch.Tensor):
        if not isinstance(after, torch.Tensor) or before.shape != after.shape or before.dtype != after.dtype:
            return False
        now = after.detach()
        return bool(((before == now) | (before.isnan() & now.isnan())).all()) if before.numel() else True
    if isinstance(before, list | tuple):
        return len(before) == len(after) and all(_same(b, a) for b, a in zip(before, after, strict=True))
    return True


def bound_arguments(fn: Callable[..., object], args: Sequence[object], kwargs: Mapping[str, object]) -> dict:
    """The arguments by the names the student's function gives them (by position where it cannot be bound)."""
    try:
        return dict(inspect.signature(fn).bind(*args, **kwargs).arguments)
    except (TypeError, ValueError):
        return {f"argument {i + 1}": a for i, a in enumerate(args)} | dict(kwargs)


def snapshot(arguments: Mapping[str, object]) -> dict[str, object]:
    """A copy of every tensor (and list of tensors) among ``arguments``, to compare after the call."""
    return {name: _copy(value) for name, value in arguments.items() if _copy(value) is not None}


def changed_input(before: Mapping[str, object], arguments: Mapping[str, object]) -> str | None:
    """The name of an argument the call changed in place, or None."""
    return next((name for name, copy in before.items() if not _same(copy, arguments[name])), None)
