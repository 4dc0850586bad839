"""Argument checks shared by the tax rules: arrays of dollars, ages and years.

Each check converts its argument to a float64 (or int64) ndarray and raises a
``ValueError`` naming the argument, the allowed range and the first bad value
(with its position when the argument is an array), e.g.
``"ordinary_income must be a finite number >= 0; got -5.0 at index (1,)"``.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

FilingStatus = Literal["single", "married_joint", "head_of_household"]
#: The filing statuses modelled (married filing separately and qualifying
#: surviving spouse are not).
FILING_STATUSES: tuple[str, ...] = get_args(FilingStatus)


def _first_bad(name: str, array: NDArray[np.generic], bad: NDArray[np.bool_], rule: str) -> None:
    if not bad.any():
        return
    position = tuple(int(i) for i in np.argwhere(bad)[0])
    value = array[position].item()
    where = f" at index {position}" if position else ""
    raise ValueError(f"{name} must be {rule}; got {value!r}{where}")


def as_float_array(
    name: str, value: ArrayLike, *, low: float = 0.0, allow_inf: bool = False
) -> NDArray[np.float64]:
    """``value`` as a float64 array, every element ``>= low`` and not NaN.

    Infinity is allowed only with ``allow_inf=True`` (a sentinel such as
    "never separated").
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers; got {value!r}") from None
    rule = f"a number >= {low:g} (not NaN)" if allow_inf else f"a finite number >= {low:g}"
    with np.errstate(invalid="ignore"):
        bad = ~(array >= low) if allow_inf else ~(np.isfinite(array) & (array >= low))
    _first_bad(name, array, bad, rule)
    return array


def as_positive_array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """``value`` as a float64 array, every element finite and ``> 0``."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers; got {value!r}") from None
    bad = ~(np.isfinite(array) & (array > 0))
    _first_bad(name, array, bad, "a finite number > 0")
    return array


def as_int_array(name: str, value: ArrayLike, *, low: int, rule: str = "") -> NDArray[np.int64]:
    """``value`` as an int64 array of whole numbers ``>= low``.

    ``rule`` replaces the default ``">= low"`` wording of the range error.
    """
    rule = rule or f">= {low}"
    array = np.asarray(value)
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    if np.issubdtype(array.dtype, np.floating):
        whole = np.isfinite(array) & (array == np.round(array))
        _first_bad(name, array, ~whole, "a whole number")
    ints = array.astype(np.int64)
    _first_bad(name, ints, ints < low, rule)
    return ints


def check_filing_status(filing_status: object) -> FilingStatus:
    """Return ``filing_status`` if it is one of :data:`FILING_STATUSES`; else ValueError."""
    if not isinstance(filing_status, str) or filing_status not in FILING_STATUSES:
        allowed = ", ".join(repr(s) for s in FILING_STATUSES)
        raise ValueError(f"filing_status must be one of {allowed}; got {filing_status!r}")
    return filing_status  # type: ignore[return-value]  # narrowed by the membership test
