"""Small shared validators for plain-function arguments (pydantic covers models)."""

from __future__ import annotations

import math
import operator


def check_int(name: str, value: object, *, low: int, high: int | None = None) -> int:
    """Return ``value`` as int if it is an integer in ``[low, high]``; else raise ValueError."""
    bound = f">= {low}" if high is None else f"between {low} and {high}"
    try:
        if isinstance(value, bool):
            raise TypeError
        ivalue = operator.index(value)  # type: ignore[arg-type]  # TypeError handled below
    except TypeError:
        raise ValueError(f"{name} must be an integer {bound}; got {value!r}") from None
    if ivalue < low or (high is not None and ivalue > high):
        raise ValueError(f"{name} must be an integer {bound}; got {ivalue}")
    return ivalue


def check_fraction(name: str, value: float, *, low: float = 0.0, high: float = 1.0) -> float:
    """Return ``value`` if it is a finite float in ``[low, high]``; else raise ValueError."""
    fvalue = float(value)
    if not math.isfinite(fvalue) or fvalue < low or fvalue > high:
        raise ValueError(f"{name} must be between {low} and {high}; got {value!r}")
    return fvalue
