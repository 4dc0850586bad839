"""Small shared validators for plain-function arguments (pydantic covers models)."""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


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


def is_branch(part: object) -> bool:
    """A union-member label in a pydantic error location (``float``, ``tagged-union[...]``)."""
    return isinstance(part, str) and (
        part in {"float", "int", "str", "bool", "none", "dict[str,float]"}
        or part.startswith(("tagged-union[", "literal[", "function-", "list[", "tuple["))
    )


def meant_errors(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """The errors of the union branch the user meant, for messages.

    A field typed ``float | Curve`` given ``{kind: logistic, ceiling: 2.0}``
    fails both branches, and pydantic lists the ``float`` one first ("Input
    should be a valid number"). When some errors of a field go into a tagged
    union (the mapping named its ``kind``), the other branches' errors at
    the same place are dropped, so the message says what is wrong with the
    logistic curve the user wrote.

    Parameters
    ----------
    errors : list of dict
        ``ValidationError.errors()``.

    Returns
    -------
    list of dict
        The same dicts, in order, without the branches not meant.
    """

    def prefix(error: ErrorDetails) -> tuple[object, ...] | None:
        loc = tuple(error["loc"])
        for i, part in enumerate(loc):
            if is_branch(part):
                return loc[:i]
        return None

    tagged = {
        prefix(e)
        for e in errors
        if prefix(e) is not None
        and str(e["loc"][len(prefix(e) or ())]).startswith("tagged-union[")
        and isinstance(e.get("input"), dict)
    }
    kept = [
        e
        for e in errors
        if prefix(e) not in tagged
        or str(e["loc"][len(prefix(e) or ())]).startswith("tagged-union[")
    ]
    return kept or errors
