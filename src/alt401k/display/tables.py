"""Tables in their units: each column of a library table written as dollars, percent or plain.

:func:`table` wraps ``summary()``, ``ledger()`` or ``retirement_summary()`` in
a :class:`Table` for text, HTML and a pandas ``Styler``, without changing the
numbers; :func:`column_unit` says which unit a column's name implies.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .money import MONEY_UNITS, money

__all__ = ["Table", "column_unit", "money_unit", "table"]

#: Words in a column (or row) name that mark a fraction, shown as a percentage.
_PERCENT_WORDS = (
    "share",
    "rate",
    "ratio",
    "prob",
    "ran_out",
    "fraction",
    "weight",
    "index",
    "correlation",
)
#: Names shown as plain numbers: calendar years, ages, counts.
_PLAIN_NAMES = ("year", "age", "n_", "count", "seed", "period", "years")


def column_unit(name: Any) -> str:
    """The unit :func:`table` gives a column or row by its name.

    Parameters
    ----------
    name : str
        A column name of a library table (``net_flow_p05``, ``replacement_ratio``,
        ``prob_below_paid_in``, ``age``).

    Returns
    -------
    {"percent", "plain", "money"}
        ``percent`` for fractions and probabilities (``share``, ``rate``,
        ``ratio``, ``prob`` ...), ``plain`` for years, ages and counts,
        ``money`` (dollars) for everything else.
    """
    text = str(name).lower()
    if any(word in text for word in _PERCENT_WORDS):
        return "percent"
    if text in _PLAIN_NAMES or text.startswith(("n_", "year", "age")):
        return "plain"
    return "money"


def money_unit(values: Any) -> str:
    """One scale for a column of dollars: the unit of its largest absolute value."""
    array = np.abs(np.asarray(values, dtype=float))
    array = array[np.isfinite(array)]
    size = float(array.max()) if array.size else 0.0
    for unit in ("T", "B", "M", "K"):
        if size >= MONEY_UNITS[unit]:
            return unit
    return ""


def _money_cell(value: float, unit: str) -> str:
    if unit == "":
        return money(value, unit="")
    value = float(value)
    if math.isnan(value):
        return "n/a"
    if value == 0:
        return "$0"
    scaled = value / MONEY_UNITS[unit]
    digits = 2 if abs(scaled) < 10 else 1
    text = f"{abs(scaled):,.{digits}f}"
    sign = "-" if value < 0 and float(text.replace(",", "")) != 0.0 else ""
    return f"{sign}${text}{unit}"


def _percent_cell(value: float) -> str:
    value = float(value)
    if math.isnan(value):
        return "n/a"
    return f"{value:.1%}" if abs(value) >= 0.001 or value == 0 else f"{value:.3%}"


def _plain_cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return f"{int(value)}"
    return str(value)


class Table:
    """A library table for people: the same numbers, written with units per column.

    ``Table(frame)`` keeps ``frame`` unchanged (``.frame``) and displays it
    with dollars scaled one way per column (``$K``, ``$M``, ``$B``, ``$T``,
    the unit picked from the column's largest value, ``-$8.9B`` for negative
    money), fractions and probabilities as percentages, and years, ages and
    counts as plain numbers. A table whose rows are metrics (index named
    ``metric``, as in ``ParticipantResults.summary()``) takes each row's unit
    from the row's name; a column of probabilities (``prob_*``) stays a
    percentage.

    Parameters
    ----------
    frame : DataFrame
        Any table the library returns (``summary()``, ``ledger()``,
        ``retirement_summary()``, ``flows()``).
    units : dict, optional
        ``{column: "money" | "percent" | "plain"}`` overriding the names.

    Examples
    --------
    >>> ak.display.table(result.summary())          # doctest: +SKIP
    """

    def __init__(self, frame: pd.DataFrame, units: dict[str, str] | None = None) -> None:
        self.frame = frame
        self.units = dict(units or {})

    def _by_rows(self) -> bool:
        return self.frame.index.name == "metric"

    def _unit(self, name: Any) -> str:
        return self.units.get(str(name)) or column_unit(name)

    def _cell(self, kind: str, values: Any) -> Any:
        """A function writing one cell of a column (or row) of this ``kind``."""
        if kind == "percent":
            return _percent_cell
        if kind == "plain":
            return _plain_cell
        unit = money_unit(values)
        return lambda v: _money_cell(v, unit)

    def _formatters(self) -> list[tuple[Any, Any]]:
        """``(subset, function)`` pairs: which cells, written how (later pairs win)."""
        frame = self.frame
        pairs: list[tuple[Any, Any]] = []
        if self._by_rows():
            money_cols = [c for c in frame.columns if self._unit(c) != "percent"]
            for row in frame.index:
                values = frame.loc[row, money_cols].to_numpy(dtype=float)
                pairs.append(((row, money_cols), self._cell(self._unit(row), values)))
            for column in frame.columns:
                if column not in money_cols:
                    pairs.append(((slice(None), [column]), _percent_cell))
            return pairs
        for column in frame.columns:
            values = frame[column]
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                pairs.append(((slice(None), [column]), str))
                continue
            kind = self._unit(column)
            numbers = values.to_numpy(dtype=float) if kind == "money" else values
            pairs.append(((slice(None), [column]), self._cell(kind, numbers)))
        return pairs

    def formatted(self) -> pd.DataFrame:
        """The table as strings with units; same index and columns."""
        out = pd.DataFrame(index=self.frame.index, columns=self.frame.columns, dtype=object)
        for (rows, columns), write in self._formatters():
            part = self.frame.loc[rows, columns]
            if isinstance(part, pd.Series):  # one row of a metric table
                out.loc[rows, columns] = [write(v) for v in part]
            else:
                out.loc[rows, columns] = part.map(write).to_numpy()
        return out

    def to_string(self, **kwargs: Any) -> str:
        """The formatted table as text (``DataFrame.to_string`` arguments pass through)."""
        return str(self.formatted().to_string(**kwargs))

    def to_html(self, **kwargs: Any) -> str:
        """The formatted table as an HTML table."""
        kwargs.setdefault("border", 0)
        return str(self.formatted().to_html(**kwargs))

    @property
    def style(self) -> Any:
        """A pandas ``Styler`` of the numbers with the same formats (needs jinja2)."""
        styler = self.frame.style
        for (rows, columns), write in self._formatters():
            styler = styler.format(write, subset=pd.IndexSlice[rows, columns])
        return styler

    def __repr__(self) -> str:
        return self.to_string()

    def _repr_html_(self) -> str:
        return self.to_html()


def table(frame: pd.DataFrame, units: dict[str, str] | None = None) -> Table:
    """``frame`` with units per column for display; the numbers are unchanged (:class:`Table`)."""
    return Table(frame, units)
