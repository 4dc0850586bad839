"""Short text and HTML displays of specifications, market models and results.

Three kinds of helpers, used by the ``__repr__`` and ``_repr_html_`` methods
of the library's objects and usable on their own:

1. **Dollars.** :func:`money` writes one amount as ``$125.0B``,
   ``$1,238,462`` or ``-$3.4M`` (the minus sign before the dollar sign);
   :func:`format_money` does it for columns of a DataFrame.
2. **Results.** :func:`describe_pool` / :func:`describe_participant` give a
   few lines (under 600 characters) with the key knobs, the scenario count,
   the seed's entropy and headline figures; :func:`html_pool` /
   :func:`html_participant` give the same as a small HTML table.
3. **Specifications.** :func:`describe_market` / :func:`html_market` list a
   market model's assets one per line (not its correlation matrix);
   :func:`describe_spec` / :func:`html_spec` show a pydantic spec's class,
   its key knobs (:data:`KEY_FIELDS`, even at their defaults) and the fields
   that differ from their defaults.
4. **Tables.** :func:`table` wraps any table the library returns
   (``summary()``, ``ledger()``, ``retirement_summary()``) in a :class:`Table`
   that writes each column in its unit (``$1.2B``, ``12.5%``, years) for
   text, HTML and a pandas ``Styler``, without changing the numbers.

Every figure says whether it is a mean or a quantile (``median``, ``p05``,
``p95``) and whether it is nominal or in start-year (real) dollars.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from . import _show
from ._spec import Spec
from .markets import MarketModel
from .population import Population
from .results import ParticipantResults, PoolResults

__all__ = [
    "Table",
    "column_unit",
    "describe_market",
    "describe_participant",
    "describe_pool",
    "describe_spec",
    "format_money",
    "html_market",
    "html_participant",
    "html_pool",
    "html_population",
    "html_spec",
    "money",
    "table",
]

#: Units :func:`money` accepts, with their scale; "" means whole dollars.
MONEY_UNITS: dict[str, float] = {"": 1.0, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}

Rows = list[tuple[str, str]]


# -- dollars ----------------------------------------------------------------


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


def _short(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters at a word or item boundary, never mid-word."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind(sep) for sep in (", ", " ", "(", "{", "["))
    if cut > limit // 3:
        head = head[:cut].rstrip(" ,")
    return head + "…"


def _value(value: Any) -> str:
    """A knob as text: a number as a percent-free ``%g``, anything else its short repr."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return f"{float(value):g}"
    if isinstance(value, BaseModel):  # a distribution or curve: Uniform(low=0, high=0.05)
        return describe_spec(value, limit=60)
    return _short(repr(value))


def _seed(seed: np.random.SeedSequence) -> str:
    text = str(seed.entropy)
    if seed.spawn_key:
        text += f" spawn {tuple(seed.spawn_key)}"
    return text


def _text(title: str, rows: Rows) -> str:
    width = max(len(label) for label, _ in rows)
    return "\n".join([title, *(f"  {label:<{width}}  {value}" for label, value in rows)])


def _html(title: str, rows: Rows) -> str:
    body = "".join(
        f'<tr><th style="text-align:left">{html.escape(label)}</th>'
        f'<td style="text-align:left">{html.escape(value)}</td></tr>'
        for label, value in rows
    )
    return (
        f'<table><caption style="text-align:left"><b>{html.escape(title)}</b></caption>'
        f"<tbody>{body}</tbody></table>"
    )


def _median(values: np.ndarray) -> float:
    return float(np.median(values))


# -- pool results ---------------------------------------------------------------


def _pool_rows(result: PoolResults) -> tuple[str, Rows]:
    s = result.scenario
    years = result.years
    n_years = len(years)
    by = min(10, n_years)
    share = _value(s.allocation_share)
    active = (
        f"opt-in {_value(s.opt_in_rate)}, share {share}, rebalancing {s.rebalancing.frequency}"
        if s.active_channel
        else "off"
    )
    rows: Rows = [
        ("asset", s.asset),
        ("adoption", _value(s.sponsor_adoption)),
        ("active channel", active),
        ("horizon", f"{n_years} years, {int(years[0])}-{int(years[-1])}"),
        ("scenarios", f"{result.n_scenarios:,}, seed {_seed(result.seed)}"),
        ("year-1 reallocation, mean", money(result.headline_reallocation)),
        (
            f"net inflow to {int(years[by - 1])}, median",
            money(_median(result.cumulative_flows[:, by - 1])),
        ),
        (f"holdings {int(years[-1])}, median", money(_median(result.holdings[:, -1]))),
    ]
    if result.draws:
        rows.append(("uncertain", _short(", ".join(result.draws), 60)))
    return "PoolResults (nominal dollars)", rows


def describe_pool(result: PoolResults) -> str:
    """A few lines on a pool run: knobs, scenarios and seed, headline figures.

    Parameters
    ----------
    result : PoolResults

    Returns
    -------
    str
        Under 600 characters: asset, sponsor adoption, opt-in, allocation
        share and rebalancing, horizon, scenario count and seed entropy; the
        mean year-one reallocation, the median cumulative net flow by the
        tenth year (or the horizon) and the median holdings at the end,
        nominal dollars.
    """
    return _text(*_pool_rows(result))


def html_pool(result: PoolResults) -> str:
    """:func:`describe_pool` as an HTML table, for notebooks."""
    return _html(*_pool_rows(result))


# -- participant results ---------------------------------------------------------


def _participant_rows(result: ParticipantResults) -> tuple[str, Rows]:
    p = result.participant
    years = result.years
    weights = ", ".join(f"{k} {v:g}" for k, v in result.portfolio.weights.items())
    sleeve = result.portfolio.alt_sleeve
    sleeve_text = ", ".join(f"{k} {v:g}" for k, v in sleeve.items()) if sleeve else "none"
    terminal = result.terminal_balance
    p05, p50, p95 = np.quantile(terminal, [0.05, 0.5, 0.95])
    rows: Rows = [
        (
            "saver",
            f"age {p.age}, retires {p.retirement_age}, pay {money(p.salary)}, "
            f"deferral {p.deferral_rate:g}",
        ),
        ("portfolio", _short(weights, 60)),
        ("alternative sleeve", _short(sleeve_text, 60)),
        ("horizon", f"{len(years)} years, {int(years[0])}-{int(years[-1])}"),
        ("scenarios", f"{result.n_scenarios:,}, seed {_seed(result.seed)}"),
        (f"balance {int(years[-1])}, median", money(p50)),
        ("balance p05 / p95", f"{money(p05)} / {money(p95)}"),
    ]
    if result.retirement_paths is not None and result.retirement is not None:
        income = result.retirement_outcomes(real=True)["mean_income"]
        rows.append(("after-tax income/yr, real, median", money(_median(income))))
    if result.market_draws:
        rows.append(("uncertain", _short(", ".join(result.market_draws), 60)))
    return "ParticipantResults (nominal dollars unless real)", rows


def describe_participant(result: ParticipantResults) -> str:
    """A few lines on a saver's run: the saver, portfolio, scenarios and seed, outcomes.

    Parameters
    ----------
    result : ParticipantResults

    Returns
    -------
    str
        Under 600 characters: age, retirement age, pay, deferral, portfolio
        weights, horizon, scenario count and seed entropy; the median
        terminal balance and its p05 / p95 (nominal); with a retirement phase
        the median over scenarios of the mean after-tax income from the plan
        (start-year dollars).
    """
    return _text(*_participant_rows(result))


def html_participant(result: ParticipantResults) -> str:
    """:func:`describe_participant` as an HTML table, for notebooks."""
    return _html(*_participant_rows(result))


# -- market models ------------------------------------------------------------


def _asset_kind(asset: Any) -> str:
    kind = "lognormal" if asset.model is None else type(asset.model).__name__
    extras = []
    if asset.is_private:
        extras.append("private")
    if asset.ruin_hazard > 0:
        extras.append(f"ruin {asset.ruin_hazard:g}/yr")
    if asset.expected_return_uncertainty is not None or asset.volatility_uncertainty is not None:
        extras.append("uncertain")
    return kind + (f" ({', '.join(extras)})" if extras else "")


def _market_table(model: MarketModel) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "asset": [a.name for a in model.assets],
            "mean": [f"{a.expected_return:.1%}" for a in model.assets],
            "vol": [f"{a.volatility:.1%}" for a in model.assets],
            "expense": [f"{a.expense_ratio:.2%}" for a in model.assets],
            "model": [_asset_kind(a) for a in model.assets],
        }
    )


def _inflation_line(model: MarketModel) -> str:
    infl = model.inflation
    line = f"inflation: mean {infl.mean:.1%}, vol {infl.volatility:.1%}"
    if infl.persistence:
        line += f", AR(1) {infl.persistence:g}"
    return line


def describe_market(model: MarketModel) -> str:
    """A market model's assets, one line each, and its inflation.

    Parameters
    ----------
    model : MarketModel

    Returns
    -------
    str
        A header, then one line per asset (name, expected annual return,
        volatility, expense ratio, return model), then the inflation line.
        The correlation matrix is left out (``model.correlation_matrix``).
    """
    table = _market_table(model).to_string(index=False)
    title = f"MarketModel ({model.n_assets} assets, annual arithmetic)"
    return f"{title}\n{table}\n{_inflation_line(model)}"


def html_market(model: MarketModel) -> str:
    """:func:`describe_market` as an HTML table, for notebooks."""
    table = _market_table(model).to_html(index=False, border=0)
    return (
        f"<div><b>MarketModel</b> ({model.n_assets} assets, annual arithmetic)"
        f"{table}<p>{html.escape(_inflation_line(model))}</p></div>"
    )


# -- any spec -------------------------------------------------------------------


def _differs(value: Any, default: Any) -> bool:
    try:
        return bool(value != default)
    except Exception:  # arrays and odd objects: treat as changed rather than fail a repr
        return True


#: Fields shown in a spec's display even at their defaults: the knobs that tell
#: two specs apart (the headline knobs are the Scenario's defaults).
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "Scenario": (
        "asset",
        "sponsor_adoption",
        "opt_in_rate",
        "allocation_share",
        "pool_assets",
        "horizon_years",
        "start_year",
        "reversal",
    ),
    "Participant": ("age", "salary", "balance", "deferral_rate", "retirement_age"),
    "PlanDesign": ("match", "nonelective_rate", "auto_enroll", "recordkeeping_fee"),
    "Portfolio": ("weights", "alt_sleeve"),
    "Retirement": ("end_age", "rule", "rate", "social_security"),
    "PlanSegment": ("name", "adoption", "alt_cap", "auto_enroll_share"),
    "MatchFormula": ("tiers",),
}


def _spec_parts(spec: BaseModel, all_fields: bool, value_limit: int = 40) -> Rows:
    """``(field, value)`` of the fields a display shows: key fields, then changed ones."""
    key = KEY_FIELDS.get(type(spec).__name__, ())
    rows: Rows = []
    for name, info in type(spec).model_fields.items():
        if name == "kind":  # the tag of a tagged union (Uniform, Fixed ...): the class says it
            continue
        value = getattr(spec, name)
        if not all_fields and name not in key and not info.is_required():
            default = info.get_default(call_default_factory=True)
            if not _differs(value, default):
                continue
        if isinstance(value, BaseModel):
            text = describe_spec(value, limit=60)
        elif isinstance(value, float):
            text = f"{value:g}"
        elif isinstance(value, tuple) and value and all(isinstance(v, BaseModel) for v in value):
            text = f"{len(value)} x {type(value[0]).__name__}"  # segments: a count, not 1,000 chars
        else:
            text = _short(repr(value), value_limit)
        rows.append((name, text))
    return rows


def describe_spec(spec: BaseModel, *, limit: int = 300, all_fields: bool = False) -> str:
    """A short repr of a pydantic spec: its class, its key knobs and the fields that differ.

    Parameters
    ----------
    spec : pydantic.BaseModel
    limit : int
        Longest result, characters (default 300); each value is cut to 40,
        at a word or item boundary.
    all_fields : bool
        Show every field, not only the key ones (:data:`KEY_FIELDS`) and
        those that differ from their defaults (for small specs such as
        distributions).

    Returns
    -------
    str
        ``ClassName(field=value, ...)``; nested specs are shown the same way.
        Cut to ``limit`` between fields, never inside a value.
    """
    parts = [f"{name}={text}" for name, text in _spec_parts(spec, all_fields)]
    name = type(spec).__name__
    out = f"{name}({', '.join(parts)})"
    while len(out) > limit and parts:
        parts.pop()
        out = f"{name}({', '.join(parts)}, …)"
    return out


def html_spec(spec: BaseModel) -> str:
    """A spec as a small HTML table: its key knobs (even at defaults) and changed fields."""
    rows = _spec_parts(spec, all_fields=False, value_limit=80)
    return _html(type(spec).__name__, rows or [("(defaults)", "")])


# -- tables for people -------------------------------------------------------------

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


def html_population(population: Population) -> str:
    """A population's cell count, people, assets and start year as a small HTML table."""
    rows = [
        ("cells", f"{population.n_cells:,}"),
        ("people", f"{population.n_participants:,.0f}"),
        ("total assets", money(population.total_assets)),
        ("start year", str(population.start_year)),
    ]
    return _html("Population", rows)


# The face knows the objects, not the other way round (issue 19): their
# ``__repr__`` / ``_repr_html_`` call the hooks of alt401k._show, filled here.
_show.text.register(Spec)(describe_spec)
_show.html.register(Spec)(html_spec)
_show.text.register(MarketModel)(describe_market)
_show.html.register(MarketModel)(html_market)
_show.html.register(Population)(html_population)
_show.text.register(PoolResults)(describe_pool)
_show.html.register(PoolResults)(html_pool)
_show.text.register(ParticipantResults)(describe_participant)
_show.html.register(ParticipantResults)(html_participant)
