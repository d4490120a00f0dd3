"""Argument checks for the public API, with one convention.

A value of the wrong *type* raises ``TypeError``; a value of the right type but outside what is allowed
raises ``ValueError``. Both messages name the argument, say what was expected and show what came.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from numbers import Integral, Real

__all__ = ["choice", "integer", "number", "positive"]


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def integer(name: str, value: object, *, min: int = 1) -> int:
    """``value`` as an int ``>= min``; TypeError if it is not an int (a bool or a float is not), else ValueError.

    Args:
        name: the argument's name, for the message.
        value: what came.
        min: the smallest allowed value.

    Returns:
        ``value`` as an int.
    """
    what = "a positive int" if min == 1 else f"an int >= {min}"
    if not _is_int(value):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__} {value!r}")
    if value < min:
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return int(value)


def number(
    name: str, value: object, *, lo: float = -math.inf, hi: float = math.inf, lo_open: bool = False,
    hi_open: bool = False,
) -> float:  # fmt: skip
    """``value`` as a finite float in the interval from ``lo`` to ``hi`` (closed unless ``lo_open``/``hi_open``).

    TypeError if it is not a real number (a bool is not), ValueError if it is NaN, infinite or outside.

    Args:
        name: the argument's name, for the message.
        value: what came.
        lo: the lower end.
        hi: the upper end.
        lo_open: exclude ``lo``.
        hi_open: exclude ``hi``.

    Returns:
        ``value`` as a float.
    """
    where = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
    if not isinstance(value, Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number in {where}, got {type(value).__name__} {value!r}")
    v = float(value)
    inside = (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)
    if not math.isfinite(v) or not inside:
        raise ValueError(f"{name} must be a finite number in {where}, got {value!r}")
    return v


def positive(name: str, value: object) -> float:
    """``value`` as a finite float > 0 (a learning rate, a standard deviation).

    Args:
        name: the argument's name, for the message.
        value: what came.

    Returns:
        ``value`` as a float.
    """
    return number(name, value, lo=0.0, lo_open=True)


def choice(name: str, value: object, options: Collection[str]) -> str:
    """``value`` if it is one of ``options``; TypeError if it is not a str, else ValueError listing them.

    Args:
        name: the argument's name, for the message.
        value: what came.
        options: the allowed strings.

    Returns:
        ``value``.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(options)}, got {type(value).__name__} {value!r}")
    if value not in options:
        raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(options)}")
    return value
