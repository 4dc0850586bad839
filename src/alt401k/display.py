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
   :func:`describe_spec` shows a pydantic spec's class and the fields that
   differ from their defaults.

Every figure says whether it is a mean or a quantile (``median``, ``p05``,
``p95``) and whether it is nominal or in start-year (real) dollars.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

if TYPE_CHECKING:
    from .markets import MarketModel
    from .results import ParticipantResults, PoolResults

__all__ = [
    "describe_market",
    "describe_participant",
    "describe_pool",
    "describe_spec",
    "format_money",
    "html_market",
    "html_participant",
    "html_pool",
    "money",
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
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    terminal = result.terminal_balance
    p05, p50, p95 = np.quantile(terminal, [0.05, 0.5, 0.95])
    rows: Rows = [
        (
            "saver",
            f"age {p.age}, retires {p.retirement_age}, pay {money(p.salary)}, "
            f"deferral {p.deferral_rate:g}",
        ),
        ("portfolio", _short(weights, 60)),
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


def describe_spec(spec: BaseModel, *, limit: int = 300, all_fields: bool = False) -> str:
    """A short repr of a pydantic spec: its class and the fields that differ from defaults.

    Parameters
    ----------
    spec : pydantic.BaseModel
    limit : int
        Longest result, characters (default 300); each value is cut to 40.
    all_fields : bool
        Show every field, not only those that differ (for small specs such
        as distributions).

    Returns
    -------
    str
        ``ClassName(field=value, ...)``; nested specs are shown the same way.
    """
    parts = []
    for name, info in type(spec).model_fields.items():
        if name == "kind":  # the tag of a tagged union (Uniform, Fixed ...): the class says it
            continue
        value = getattr(spec, name)
        if not all_fields and not info.is_required():
            default = info.get_default(call_default_factory=True)
            if not _differs(value, default):
                continue
        if isinstance(value, BaseModel):
            text = describe_spec(value, limit=60)
        elif isinstance(value, float):
            text = f"{value:g}"
        else:
            text = _short(repr(value))
        parts.append(f"{name}={text}")
    out = f"{type(spec).__name__}({', '.join(parts)})"
    return out if len(out) <= limit else out[: limit - 2] + "…)"
