"""Dollars in words: one amount (:func:`money`) or a DataFrame's columns (:func:`format_money`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

__all__ = ["MONEY_UNITS", "format_money", "money"]

#: Units :func:`money` accepts, with their scale; "" means whole dollars.
MONEY_UNITS: dict[str, float] = {"": 1.0, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def money(value: float, *, unit: str | None = None) -> str:
    """One dollar amount as text: ``$125.0B``, ``$1,238,462``, ``-$3.4M``.

    Parameters
    ----------
    value : float
        Dollars.
    unit : {None, "", "K", "M", "B", "T"}
        Scale: ``None`` (default) picks ``B`` from $1 billion, ``M`` from $1
        million (in absolute value) and whole dollars below; ``""`` forces
        whole dollars. Scaled amounts get one decimal.

    Returns
    -------
    str
        The minus sign comes before the dollar sign; NaN gives ``"n/a"``.
    """
    if unit is not None and unit not in MONEY_UNITS:
        raise ValueError(
            f"unit must be one of None, {', '.join(map(repr, MONEY_UNITS))}; got {unit!r}"
        )
    value = float(value)
    if math.isnan(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    size = abs(value)
    if math.isinf(size):
        return f"{sign}$inf"
    if unit is None:
        unit = "B" if size >= 1e9 else "M" if size >= 1e6 else ""
    if unit == "":
        text = f"{size:,.0f}"
    else:
        text = f"{size / MONEY_UNITS[unit]:,.1f}{unit}"
    if sign and float(text.rstrip("KMBT").replace(",", "")) == 0.0:
        sign = ""  # -0.4 dollars rounds to $0, not -$0
    return f"{sign}${text}"


def format_money(
    frame: pd.DataFrame, columns: Sequence[str] | None = None, *, unit: str | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` with dollar columns written by :func:`money`.

    Parameters
    ----------
    frame : DataFrame
    columns : sequence of str, optional
        Columns to format; default every numeric column.
    unit : {None, "", "K", "M", "B", "T"}
        As in :func:`money`; ``None`` picks a unit per value.

    Returns
    -------
    DataFrame
        Same index and columns; the formatted columns hold strings.
    """
    if columns is None:
        columns = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"columns not in the frame: {missing}; it has {list(frame.columns)}")
    out = frame.copy()
    for column in columns:
        out[column] = [money(v, unit=unit) for v in frame[column].to_numpy(dtype=float)]
    return out


# -- small helpers ------------------------------------------------------------
