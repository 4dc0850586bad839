"""Short text and HTML displays of results, market models, specifications and populations.

The formatters :mod:`alt401k.display` registers for the objects' ``__repr__``
and ``_repr_html_`` (through :mod:`alt401k._show`): a few lines with the key
knobs, the scenario count, the seed's entropy and headline figures.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from ..markets import MarketModel
from ..population import Population
from ..results import ParticipantResults, PoolResults
from .money import money

__all__ = [
    "KEY_FIELDS",
    "describe_market",
    "describe_participant",
    "describe_pool",
    "describe_spec",
    "html_market",
    "html_participant",
    "html_pool",
    "html_population",
    "html_spec",
]

Rows = list[tuple[str, str]]


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
