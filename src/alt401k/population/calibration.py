"""The calibration report: a population's figures against the published targets.

Targets and measured errors are documented on
:meth:`~alt401k.population.Population.calibration_report`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .targets import (
    _ACTIVE_PARTICIPANTS,
    _BAND_LABELS,
    _BLS,
    _BLS_WEEKLY_PAY,
    _EBRI,
    _HAS_2025,
    _HAS_BALANCES,
    _HAS_DEFERRAL,
    _HAS_MEAN_BALANCE,
    _HAS_MEDIAN_BALANCE,
    _HEADLINE_ASSETS,
    _HEADLINE_PARTICIPANTS,
    _PEOPLE_BY_DECADE,
    _PEOPLE_BY_DECADE_EBRI,
    _PLANSPONSOR,
    SEGMENT_SHARES,
    SEGMENTS,
    _band,
)

if TYPE_CHECKING:
    from .population import Population


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The smallest value with at least half of the weight at or below it (NaN if empty)."""
    if values.size == 0:
        return math.nan
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return float(np.dot(values, weights) / total) if total > 0 else math.nan


def calibration_report(population: Population) -> pd.DataFrame:
    """The rows of :meth:`Population.calibration_report`; see there for columns and targets."""
    rows: list[tuple[str, str, float, float, str]] = []
    w, age, band = population.weight, population.age, _band(population.age)
    people = population.n_participants
    assets = population.total_assets

    rows.append(("participants", "all", people, _HEADLINE_PARTICIPANTS, "EO 14330 text"))
    rows.append(("assets", "all", assets, _HEADLINE_ASSETS, "coverage of EO 14330"))
    for s in SEGMENTS:
        cell = population.segment == s
        people_share, asset_share, _ = SEGMENT_SHARES[s]
        rows.append(
            ("segment participant share", s, w[cell].sum() / people, people_share, _PLANSPONSOR)
        )
        model_assets = (
            float(np.dot(w[cell], population.balance[cell])) / assets if assets else math.nan
        )
        rows.append(("segment asset share", s, model_assets, asset_share, _PLANSPONSOR))
    for target, table, source in (
        ("people by age", _PEOPLE_BY_DECADE_EBRI, _EBRI),
        ("people by decade (est.)", _PEOPLE_BY_DECADE, f"{_EBRI}, split est."),
    ):
        for label, low, high, share in table:
            cell = (age >= low) & (age < high)
            rows.append((target, label, w[cell].sum() / people, share, source))

    people_by_band = np.bincount(band, weights=w, minlength=len(_BAND_LABELS))
    mean_balance = assets / people
    has_mean = float(np.dot(people_by_band, _HAS_MEAN_BALANCE)) / people
    for b, label in enumerate(_BAND_LABELS):
        cell = band == b
        working_cell = cell & population.working
        rows.append(
            (
                "balance profile",
                label,
                _weighted_mean(population.balance[cell], w[cell]) / mean_balance,
                _HAS_MEAN_BALANCE[b] / has_mean,
                _HAS_BALANCES,
            )
        )
        rows.append(
            (
                "balance median / mean",
                label,
                _weighted_median(population.balance[cell], w[cell])
                / _weighted_mean(population.balance[cell], w[cell]),
                _HAS_MEDIAN_BALANCE[b] / _HAS_MEAN_BALANCE[b],
                _HAS_BALANCES,
            )
        )
        rows.append(
            (
                "pay by age",
                label,
                _weighted_median(population.salary[working_cell], w[working_cell]),
                52.0 * _BLS_WEEKLY_PAY[b],
                _BLS,
            )
        )
        rows.append(
            (
                "deferral by age",
                label,
                _weighted_mean(population.deferral_rate[working_cell], w[working_cell]),
                _HAS_DEFERRAL[b],
                _HAS_2025,
            )
        )
    rows.append(
        (
            "working share",
            "all",
            w[population.working].sum() / people,
            _ACTIVE_PARTICIPANTS / _HEADLINE_PARTICIPANTS,
            "est.: 72.2M active (DOL EBSA, 2019 Form 5500) of 90M (EO text)",
        )
    )
    rows.append(
        (
            "default investor share",
            "all",
            w[population.default_investor].sum() / people,
            0.58,
            f"est. from {_HAS_2025}: 55-60% wholly in one target-date fund",
        )
    )
    rows.append(
        (
            "Roth user share",
            "all",
            w[population.roth_fraction > 0].sum() / people,
            0.18,
            f"est. from {_HAS_2025}: about 18% use Roth",
        )
    )
    frame = pd.DataFrame(rows, columns=["target", "band", "model", "calibration", "source"])
    frame.insert(4, "rel_error", frame["model"] / frame["calibration"] - 1.0)
    return frame
