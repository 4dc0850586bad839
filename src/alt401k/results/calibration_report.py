"""The flow calibration report of a scenario (:meth:`alt401k.Scenario.calibration_report`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ..population.calibration import _weighted_mean, _weighted_median
from ..population.targets import (
    _BAND_LABELS,
    _HAS_BALANCES,
    _HAS_MEAN_BALANCE,
    DEFAULT_SALARY_GROWTH,
    _band,
)

if TYPE_CHECKING:
    from .._calibrate import FlowCalibration
    from ..scenario import Scenario

__all__ = ["BALANCE_FACTOR", "HAS_MEDIAN_PARTICIPANT_PAY", "flow_report"]

#: Median pay of 401(k) participants in 2024 (Vanguard How America Saves 2025).
HAS_MEDIAN_PARTICIPANT_PAY = 89_000.0
_HAS_PAY_YEAR = 2024

#: Factor from HAS balances at YE 2022 to the start of 2026, *est.*: 401(k) assets grew
#: from $6.6T (end-2022) to $10.0T (Q3 2025, ICI), x 1.52, over about 8% more participants.
BALANCE_FACTOR = 1.52 / 1.08
_BALANCE_FACTOR_SOURCE = (
    f"{_HAS_BALANCES}, x {BALANCE_FACTOR:.3f} (*est.*: ICI 401(k) assets $6.6T end-2022 to "
    "$10.0T Q3 2025, over ~8% more participants)"
)

_COLUMNS = [
    "quantity",
    "band",
    "model",
    "target",
    "error",
    "rel_error",
    "unit",
    "dollars",
    "target_dollars",
    "kind",
    "source",
]

# (key in rates, label, target attribute or None, kind when solved)
_FLOW_ROWS = (
    ("employee", "contributions: employee", "employee", "fit"),
    ("employee_pretax", "contributions: employee pre-tax", None, "check"),
    ("employee_roth", "contributions: employee Roth", None, "check"),
    ("employer", "contributions: employer", "employer", "fit"),
    ("rollovers_in", "contributions: rollovers in", "rollovers_in", "fit"),
    ("contributions", "contributions: total", "contributions", "sum"),
    ("rollover", "outflows: separations rolled over to IRAs", "rollover", "fit"),
    ("rollovers_in", "outflows: rollovers to other plans", "rollovers_in", "fit"),
    ("cash_out", "outflows: cash-outs", "cash_out", "fit"),
    ("hardship", "outflows: hardship withdrawals", "hardship", "fit"),
    ("loan_default", "outflows: loan defaults", "loan_default", "fit"),
    ("death", "outflows: deaths", "death", "fit"),
    ("retiree", "outflows: retirees' withdrawals, RMDs, rollovers", "retiree", "fit"),
    ("outflows", "outflows: total (benefit payments)", "outflows", "sum"),
    ("net_new_money", "net new money", "net_new_money", "sum"),
)


def flow_report(scenario: Scenario, calibration: FlowCalibration) -> pd.DataFrame:
    """The rows of :meth:`alt401k.Scenario.calibration_report`; see there."""
    targets = calibration.targets
    rows: list[tuple[object, ...]] = []

    def add(
        quantity: str,
        band: str,
        model: float,
        target: float,
        unit: str,
        kind: str,
        source: str,
        dollars: float = math.nan,
    ) -> None:
        error = model - target
        rel = model / target - 1.0 if target != 0.0 and not math.isnan(target) else math.nan
        target_dollars = target * average if unit == share else math.nan
        rows.append(
            (quantity, band, model, target, error, rel, unit, dollars, target_dollars, kind, source)
        )

    average = calibration.average_assets

    share = "share of average assets"
    year_note = f"year 1 ({scenario.start_year}), expected path"
    for key, label, attr, kind in _FLOW_ROWS:
        model = calibration.rates.get(key, 0.0)
        dollars = calibration.dollars.get(key, 0.0)
        if targets is None:
            add(label, year_note, model, math.nan, share, "rules", "", dollars)
            continue
        if attr is None:
            roth = targets.roth_share
            target = targets.employee * (roth if key == "employee_roth" else 1.0 - roth)
            source = targets.sources.get("roth_share", "")
        else:
            target = getattr(targets, attr)
            source = targets.sources.get(attr, targets.label)
            if kind == "sum":
                source = f"{targets.label}: the sum of the rows above"
        if kind == "fit" and key not in calibration.solved:
            kind = "check"  # e.g. contributions fixed by annual_contributions
        add(label, year_note, model, target, share, kind, source, dollars)

    population = calibration.parameters.apply(scenario.resolved_population())
    w = population.weight
    working = population.working
    growth = (1.0 + DEFAULT_SALARY_GROWTH) ** (population.start_year - _HAS_PAY_YEAR)
    add(
        "participants' median pay",
        "working",
        _weighted_median(population.salary[working], w[working]),
        HAS_MEDIAN_PARTICIPANT_PAY * growth,
        "USD nominal",
        "check",
        f"Vanguard HAS 2025: median participant pay $89,000 in 2024, grown "
        f"{DEFAULT_SALARY_GROWTH:.1%} a year (BLS pay x pay_scale "
        f"{calibration.parameters.pay_scale:.3f})",
    )
    band = _band(population.age)
    for b, label in enumerate(_BAND_LABELS):
        cell = band == b
        if not cell.any():
            continue
        add(
            "mean balance by age",
            label,
            _weighted_mean(population.balance[cell], w[cell]),
            _HAS_MEAN_BALANCE[b] * BALANCE_FACTOR,
            "USD nominal",
            "check",
            _BALANCE_FACTOR_SOURCE,
        )
    add(
        "participants",
        "all",
        population.n_participants,
        population.n_participants,
        "people",
        "identity",
        "the population: 90 million for $12.5T (EO 14330 text), in proportion for another size",
    )
    add(
        "assets at the start",
        "all",
        calibration.opening_assets,
        population.total_assets,
        "USD nominal",
        "identity",
        "pool_assets (coverage of EO 14330: $12.5T)",
    )
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame.attrs["targets"] = None if targets is None else targets.label
    frame.attrs["parameters"] = calibration.parameters.as_dict()
    frame.attrs["average_assets"] = calibration.average_assets
    return frame
