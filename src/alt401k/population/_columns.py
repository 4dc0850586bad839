"""Column rules of a population and their validation.

Errors name the column, the first offending row (index label) and value, and
the allowed range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .targets import SEGMENTS

# name -> (kind, low, high, allowed range in words); kind: int, float, bool, str.
_COLUMN_RULES: dict[str, tuple[str, float, float, str]] = {
    "age": ("int", 16, 110, "an integer between 16 and 110"),
    "salary": ("float", 0.0, math.inf, "a finite number >= 0"),
    "balance": ("float", 0.0, math.inf, "a finite number >= 0"),
    "weight": ("float", 0.0, math.inf, "a finite number > 0"),
    "roth_balance": ("float", 0.0, math.inf, "a finite number between 0 and balance"),
    "deferral_rate": ("float", 0.0, 1.0, "a number between 0 and 1"),
    "roth_fraction": ("float", 0.0, 1.0, "a number between 0 and 1"),
    "default_investor": ("bool", 0, 1, "a boolean (True/False or 1/0)"),
    "segment": ("str", 0, 0, "one of " + ", ".join(SEGMENTS)),
    "working": ("bool", 0, 1, "a boolean (True/False or 1/0)"),
    "retirement_age": ("int", 17, 100, "an integer between 17 and 100"),
    "salary_growth": ("float", -0.2, 0.5, "a number between -0.2 and 0.5"),
    "prior_year_wages": ("float", 0.0, math.inf, "a finite number >= 0"),
}
_COLUMNS = tuple(_COLUMN_RULES)
_REQUIRED_COLUMNS = ("age", "salary", "balance", "weight")
_SEGMENT_DTYPE = f"<U{max(len(s) for s in SEGMENTS)}"


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python scalar it holds, for readable error messages."""
    return value.item() if isinstance(value, np.generic) else value


def _column_error(
    name: str, labels: Sequence[Any] | np.ndarray, row: int, value: Any, *, numeric: bool = False
) -> ValueError:
    rule = _COLUMN_RULES[name][3]
    must = f"numeric, {rule}" if numeric else rule
    return ValueError(
        f"column {name!r} must be {must}; got {_plain(value)!r} at row {_plain(labels[row])!r}"
    )


def _checked_column(name: str, values: Any, labels: Sequence[Any] | np.ndarray) -> np.ndarray:
    """``values`` as a validated array of the column's dtype; ``labels`` name rows in errors."""
    kind, low, high, _ = _COLUMN_RULES[name]
    raw = np.asarray(values)
    if raw.ndim != 1:
        raise ValueError(f"column {name!r} must be one-dimensional; got shape {raw.shape}")
    if kind == "str":
        text = raw.astype(str)
        bad = ~np.isin(text, SEGMENTS)
        if bad.any():
            row = int(np.argmax(bad))
            raise _column_error(name, labels, row, raw[row])
        return text.astype(_SEGMENT_DTYPE)
    if raw.dtype.kind == "b":
        if kind == "bool":
            return raw.astype(bool)
        raise _column_error(name, labels, 0, raw[0], numeric=True)
    if raw.dtype.kind in "iuf":
        numbers = raw.astype(float)
    else:
        cells = pd.Series(raw, dtype=object)
        numbers = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = np.isnan(numbers) & cells.notna().to_numpy()
        if kind != "bool":  # True/False are not numbers in a numeric column
            bad |= cells.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
        if bad.any():
            row = int(np.argmax(bad))
            raise _column_error(name, labels, row, raw[row], numeric=True)
    if kind == "bool":
        bad = (numbers != 0.0) & (numbers != 1.0)
    elif name == "weight":
        bad = ~np.isfinite(numbers) | ~(numbers > 0.0)
    else:
        bad = ~np.isfinite(numbers) | (numbers < low) | (numbers > high)
        if kind == "int":
            bad |= numbers != np.round(numbers)
    if bad.any():
        row = int(np.argmax(bad))
        raise _column_error(name, labels, row, raw[row])
    if kind == "bool":
        return numbers.astype(bool)
    if kind == "int":
        return numbers.astype(np.int64)
    return numbers + 0.0  # + 0.0 turns -0.0 into 0.0, so equal columns have equal bytes


def _checked_columns(
    columns: Mapping[str, Any], labels: Sequence[Any] | np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Validate every column of a population (all present, shape (P,), cross-column rules)."""
    sizes = {name: np.shape(columns[name]) for name in _COLUMNS}
    n_rows = sizes["age"][0] if len(sizes["age"]) == 1 else -1
    for name, shape in sizes.items():
        if shape != (n_rows,):
            raise ValueError(f"column {name!r} must have shape ({n_rows},) like 'age'; got {shape}")
    if n_rows < 1:
        raise ValueError("a population must have at least one cell; got 0 rows")
    row_labels = np.arange(n_rows) if labels is None else labels
    out = {name: _checked_column(name, columns[name], row_labels) for name in _COLUMNS}
    above = out["roth_balance"] > out["balance"]
    if above.any():
        row = int(np.argmax(above))
        raise ValueError(
            f"column 'roth_balance' must be between 0 and balance "
            f"({out['balance'][row]:g}); got {out['roth_balance'][row]:g} at row "
            f"{_plain(row_labels[row])!r}"
        )
    return out
