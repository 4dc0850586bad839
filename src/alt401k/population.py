"""Participants and populations: the savers the engine simulates.

* :class:`Participant` -- one saver, a validated specification.
* :class:`Population` -- weighted participant cells (one row per cell; a
  cell's ``weight`` is the number of real people it stands for), from a
  calibrated synthetic generator (:meth:`Population.synthetic`), a table
  (:meth:`Population.from_frame`) or participants
  (:meth:`Population.from_participants`).
* :class:`ParticipantCells` -- the engine's array view of either
  (:meth:`Population.cells`, :func:`cells_from_participants`).

Calibration targets of :meth:`Population.synthetic`
----------------------------------------------------

Age bands are Vanguard How America Saves (HAS) bands <25, 25-34, 35-44, 45-54,
55-64, 65+ unless noted; *est.* marks our own judgement, an adjustable
assumption. :meth:`Population.calibration_report` measures every published
target below; the errors of the default population are listed there.

=========================== =============================================== ========================
target                      value                                           source
=========================== =============================================== ========================
participants                90 million (``n_participants``)                 EO 14330 text
assets                      $12.5T (``total_assets``)                       coverage of EO 14330
plan-size segments          participant and asset shares, see               PLANSPONSOR 2020
                            :data:`SEGMENT_SHARES`                          recordkeeping survey
people by age               20s+30s 40%, 40s 23%, 50s 23%, 60s and over     EBRI/ICI 401(k)
                            14%                                             database, YE 2022
people by decade (*est.*)   20s 17%, 30s 23%, 60s 11%, 70 and over 3%;      split of the above
                            even within a decade, 70+ falling 15%/year
balance profile             band mean / overall mean as 5,236; 30,017;      Vanguard HAS, YE 2022
                            76,354; 142,069; 207,874; 232,710 (dollars)
balance spread              lognormal within an age, sigma =                Vanguard HAS, YE 2022
                            sqrt(2 ln(mean/median)), medians 1,948;
                            11,357; 28,318; 48,301; 71,168; 70,620
pay by age (working cells)  median = 52 x weekly 760 (16-24); 1,139; 1,351; BLS usual weekly
                            1,362; 1,296; 1,198 dollars                     earnings, Q2 2025
pay spread (*est.*)         lognormal within a band, sigma 0.6              judgement
pay and balance (*est.*)    rank correlation 0.5 within an age              judgement
deferral (working cells)    mean 5.5%, 6.8, 7.3, 7.9, 9.3, 10.1             Vanguard HAS 2025
working share (*est.*)      ~80% (72.2M active of ~90M): 84% <25, 88%       DOL EBSA 2019 Form
                            25-54, 84% 55-59, 70% 60-64, 45% at 65 falling  5500; EO text
                            7 points a year to 17% at 69, none from 70
default investors (*est.*)  ~58%: 75% <25, 68, 60, 55, 50, 42% 65+          HAS 2025: 55-60% wholly
                                                                            in one target-date fund
Roth users (*est.*)         ~18%: 26% <25, 24, 20, 16, 12, 8% 65+; they     HAS 2025: about 18%
                            defer all-Roth and hold 30% of balance as Roth
retirement age (*est.*)     65 for every cell                               judgement
salary growth (*est.*)      3.5% a year (2.5% inflation + 1% real)          J.P. Morgan 2026 LTCMA
=========================== =============================================== ========================

BLS pay is that of all full-time wage earners; 401(k) participants earn more
(median $89,000 against $42,000 for non-participants, HAS 2025), so the
synthetic pay, and the contributions it implies, are on the low side.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, model_validator
from scipy.special import ndtri  # type: ignore[import-untyped]  # scipy ships no stubs

from ._random import RngLike, as_seed_sequence, stable_key
from ._spec import Spec
from ._validation import check_int
from .limits import MAX_YEAR

__all__ = [
    "SEGMENTS",
    "SEGMENT_SHARES",
    "Participant",
    "ParticipantCells",
    "Population",
    "cells_from_participants",
]

#: Nominal pay growth, *est.*: 2.5% inflation (J.P. Morgan 2026 LTCMA) + 1% real.
DEFAULT_SALARY_GROWTH = 0.035

#: Plan-size segments, smallest plans first.
SEGMENTS: tuple[str, ...] = ("micro", "small", "mid", "large", "mega")

#: Segment -> (participant share, asset share, description).
#:
#: ======= ============= ======= ====== ============================================
#: segment plan assets   people  assets source
#: ======= ============= ======= ====== ============================================
#: micro   < $10M        21.3%   12.2%  PLANSPONSOR 2020
#: small   $10M-$50M     13.6%    9.9%  PLANSPONSOR 2020
#: mid     $50M-$200M    12.5%   10.1%  PLANSPONSOR 2020
#: large   $200M-$1B     13.0%   16.8%  PLANSPONSOR 2020 (>$200M: 52.6% / 67.8%,
#:                                      >$1B: 51% of assets); people *est.*
#: mega    > $1B         39.6%   51.0%  people split in proportion to assets
#: ======= ============= ======= ====== ============================================
SEGMENT_SHARES: Mapping[str, tuple[float, float, str]] = MappingProxyType(
    {
        "micro": (0.213, 0.122, "plans under $10M of assets"),
        "small": (0.136, 0.099, "plans with $10M-$50M"),
        "mid": (0.125, 0.101, "plans with $50M-$200M"),
        "large": (0.130, 0.168, "plans with $200M-$1B (participant share est.)"),
        "mega": (0.396, 0.510, "plans over $1B (participant share est.)"),
    }
)

_PLANSPONSOR = "PLANSPONSOR 2020 recordkeeping survey"
_HAS_BALANCES = "Vanguard How America Saves, balances at YE 2022"
_HAS_2025 = "Vanguard How America Saves 2025"
_BLS = "BLS median usual weekly earnings x 52, Q2 2025"
_EBRI = "EBRI/ICI 401(k) database, YE 2022"

# --- age bands (Vanguard HAS) --------------------------------------------------------------
_BAND_LABELS = ("<25", "25-34", "35-44", "45-54", "55-64", "65+")
_BAND_EDGES = np.array([25, 35, 45, 55, 65])
_BAND_MID_AGES = np.array([22.0, 29.5, 39.5, 49.5, 59.5, 70.0])
_HAS_MEAN_BALANCE = np.array([5_236.0, 30_017.0, 76_354.0, 142_069.0, 207_874.0, 232_710.0])
_HAS_MEDIAN_BALANCE = np.array([1_948.0, 11_357.0, 28_318.0, 48_301.0, 71_168.0, 70_620.0])
_BALANCE_SIGMA = np.sqrt(2.0 * np.log(_HAS_MEAN_BALANCE / _HAS_MEDIAN_BALANCE))
_BLS_WEEKLY_PAY = np.array([760.0, 1_139.0, 1_351.0, 1_362.0, 1_296.0, 1_198.0])
_HAS_DEFERRAL = np.array([0.055, 0.068, 0.073, 0.079, 0.093, 0.101])
_DEFAULT_INVESTOR_SHARE = np.array([0.75, 0.68, 0.60, 0.55, 0.50, 0.42])  # est.
_ROTH_USER_SHARE = np.array([0.26, 0.24, 0.20, 0.16, 0.12, 0.08])  # est.
_ROTH_BALANCE_SHARE = 0.30  # est.
_PAY_SIGMA = 0.6  # est.
_PAY_BALANCE_RANK_CORRELATION = 0.5  # est.
_DEFERRAL_SIGMA = 0.45  # est.: spread of deferral rates within a band
_DEFERRAL_PAY_CORRELATION = 0.3  # est.: higher earners defer more
_RETIREMENT_AGE = 65  # est.

# --- people by age (EBRI/ICI, split by decade *est.*) ----------------------------------------
# (label, lowest age, highest age + 1, share of participants)
_PEOPLE_BY_DECADE = (
    ("20s", 0, 30, 0.17),
    ("30s", 30, 40, 0.23),
    ("40s", 40, 50, 0.23),
    ("50s", 50, 60, 0.23),
    ("60s", 60, 70, 0.11),
    ("70 and over", 70, 200, 0.03),
)
_PEOPLE_BY_DECADE_EBRI = (
    ("20s and 30s", 0, 40, 0.40),
    ("40s", 40, 50, 0.23),
    ("50s", 50, 60, 0.23),
    ("60s and over", 60, 200, 0.14),
)
_OVER_70_DECLINE = 0.85  # est.: people per year of age fall 15% a year from 70

_N_SYNTHETIC_AGES = 60
_MIN_SYNTHETIC_CELLS = 300
_MAX_SYNTHETIC_CELLS = 1_000_000
_POPULATION_STREAM = stable_key("population")

# Headline totals the calibration report compares with.
_HEADLINE_ASSETS = 12.5e12
_HEADLINE_PARTICIPANTS = 90e6
_ACTIVE_PARTICIPANTS = 72.2e6


def _working_share(age: np.ndarray) -> np.ndarray:
    """Share of participants of each age still employed and contributing (*est.*)."""
    age = np.asarray(age, dtype=float)
    return np.select(
        [age < 25, age < 55, age < 60, age < 65, age < 70],
        [0.84, 0.88, 0.84, 0.70, 0.45 - 0.07 * (age - 65)],
        0.0,
    )


def _band(age: np.ndarray) -> np.ndarray:
    """Index of the HAS age band (0 = <25 ... 5 = 65+) of each age."""
    return np.searchsorted(_BAND_EDGES, np.asarray(age), side="right")


class Participant(Spec):
    """One saver in a defined-contribution plan.

    Parameters
    ----------
    age : int
        Age attained in ``start_year`` (used for catch-up eligibility), 16-99.
    salary : float
        Annual pay in ``start_year``, nominal dollars, >= 0.
    balance : float
        Account balance at the start of ``start_year``, dollars, >= 0.
    deferral_rate : float
        Employee deferral as a fraction of plan compensation, [0, 1].
    roth_fraction : float
        Share of employee deferrals designated Roth, [0, 1].
    retirement_age : int
        Age at which contributions stop and the simulation ends; > ``age``, <= 100.
    salary_growth : float
        Nominal annual pay growth, [-0.2, 0.5]. Default 3.5% (*est.*).
    start_year : int
        First simulated calendar year, >= 2024 (first year with a full IRS table).
    roth_balance : float
        Part of ``balance`` that is Roth, dollars, in [0, balance].
    prior_year_wages : float or None
        FICA wages of the year before ``start_year`` (SECURE 2.0 §603 Roth
        catch-up test); default ``salary / (1 + salary_growth)``.
    """

    age: int = Field(ge=16, le=99)
    salary: float = Field(ge=0.0, le=1e9)
    balance: float = Field(default=0.0, ge=0.0, le=1e11)
    deferral_rate: float = Field(ge=0.0, le=1.0)
    roth_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    retirement_age: int = Field(default=65, ge=17, le=100)
    salary_growth: float = Field(default=DEFAULT_SALARY_GROWTH, ge=-0.2, le=0.5)
    start_year: int = Field(default=2026, ge=2024, le=2150)
    roth_balance: float = Field(default=0.0, ge=0.0)
    prior_year_wages: float | None = Field(default=None, ge=0.0, le=1e9)

    @model_validator(mode="after")
    def _consistent(self) -> Participant:
        if self.retirement_age <= self.age:
            raise ValueError(
                f"retirement_age must be greater than age ({self.age}); got {self.retirement_age}"
            )
        last_year = self.start_year + self.retirement_age - self.age - 1
        if last_year > MAX_YEAR:
            raise ValueError(
                f"start_year + (retirement_age - age) - 1 must be <= {MAX_YEAR} (last year with "
                f"IRS limits); got {last_year}"
            )
        if self.roth_balance > self.balance:
            raise ValueError(
                f"roth_balance must be between 0 and balance ({self.balance:g}); "
                f"got {self.roth_balance:g}"
            )
        return self

    @property
    def n_years(self) -> int:
        """Years simulated: from ``age`` up to (not including) ``retirement_age``."""
        return self.retirement_age - self.age


@dataclass(frozen=True)
class ParticipantCells:
    """Participant cells as arrays, the engine's view of a population.

    Every array has shape (P,): one entry per cell. ``weight`` is how many
    real participants a cell stands for (1 for a single saver). ``working``
    is True where the cell is employed and contributing in the start year;
    False where it has separated or retired and left its money in the plan.
    """

    age: np.ndarray
    salary: np.ndarray
    balance: np.ndarray
    roth_balance: np.ndarray
    deferral_rate: np.ndarray
    roth_fraction: np.ndarray
    retirement_age: np.ndarray
    salary_growth: np.ndarray
    prior_year_wages: np.ndarray
    weight: np.ndarray
    working: np.ndarray

    @property
    def n_cells(self) -> int:
        return int(self.age.shape[0])


def cells_from_participants(participants: Sequence[Participant]) -> ParticipantCells:
    """Stack participants (sharing one ``start_year``) into :class:`ParticipantCells`."""
    if not participants:
        raise ValueError("participants must contain at least one Participant; got none")
    years = {p.start_year for p in participants}
    if len(years) > 1:
        raise ValueError(f"participants must share one start_year; got {sorted(years)}")

    def col(values: list[float]) -> np.ndarray:
        return np.asarray(values, dtype=float)

    return ParticipantCells(
        age=col([p.age for p in participants]),
        salary=col([p.salary for p in participants]),
        balance=col([p.balance for p in participants]),
        roth_balance=col([p.roth_balance for p in participants]),
        deferral_rate=col([p.deferral_rate for p in participants]),
        roth_fraction=col([p.roth_fraction for p in participants]),
        retirement_age=col([p.retirement_age for p in participants]),
        salary_growth=col([p.salary_growth for p in participants]),
        prior_year_wages=col(
            [
                p.prior_year_wages
                if p.prior_year_wages is not None
                else p.salary / (1.0 + p.salary_growth)
                for p in participants
            ]
        ),
        weight=np.ones(len(participants)),
        working=np.ones(len(participants), dtype=bool),
    )


# --- column rules -----------------------------------------------------------------------------

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


# --- synthetic-population helpers -----------------------------------------------------------


def _check_positive(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}") from None
    if not math.isfinite(number) or number <= 0.0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return number


def _people_shares(ages: np.ndarray) -> np.ndarray:
    """Share of participants at each age of ``ages`` (EBRI/ICI decades, split *est.*)."""
    shares = np.zeros(ages.size)
    for _, low, high, share in _PEOPLE_BY_DECADE:
        inside = (ages >= low) & (ages < high)
        profile = np.where(ages >= 70, _OVER_70_DECLINE ** (ages - 70.0), 1.0)[inside]
        shares[inside] = share * profile / profile.sum()
    return shares


def _ranks_within(groups: np.ndarray, gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random rank (0 .. size - 1) of each cell within its group, and its group's size."""
    order = np.lexsort((gen.random(groups.size), groups))
    sizes = np.bincount(groups)
    starts = np.cumsum(sizes) - sizes
    rank = np.empty(groups.size, dtype=np.int64)
    rank[order] = np.arange(groups.size) - starts[groups[order]]
    return rank, sizes[groups]


def _stratified_normals(groups: np.ndarray, gen: np.random.Generator) -> np.ndarray:
    """Standard normals stratified within each group: one draw per 1/size quantile slice."""
    rank, size = _ranks_within(groups, gen)
    return ndtri((rank + gen.random(groups.size)) / size)


def _rake(
    values: np.ndarray,
    margins: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    tol: float = 1e-10,
    max_sweeps: int = 2_000,
) -> np.ndarray:
    """Iterative proportional fitting: scale ``values`` until every group sum hits its target.

    Each margin is ``(groups, targets)``: ``groups`` (P,) int labels, ``targets``
    one total per label. The last margin is met exactly (to rounding); the
    others to relative ``tol``.
    """
    values = values.copy()
    for _ in range(max_sweeps):
        for groups, targets in margins:
            sums = np.bincount(groups, weights=values, minlength=targets.size)
            ratio = np.divide(targets, sums, out=np.ones_like(sums), where=sums > 0)
            values *= ratio[groups]
        worst = max(
            np.max(
                np.abs(np.bincount(groups, weights=values, minlength=targets.size) - targets)
                / np.maximum(targets, np.finfo(float).tiny)
            )
            for groups, targets in margins
        )
        if worst < tol:
            return values
    raise RuntimeError(f"raking did not converge: worst relative margin error {worst:.3g}")


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


# --- the population -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Population:
    """Weighted participant cells: who is in the plans, what they earn, save and hold.

    One row per cell; every column is a read-only array of shape (P,). A cell
    stands for ``weight`` people who share its values; dollar columns are per
    person. Build one with :meth:`synthetic`, :meth:`from_frame`,
    :meth:`from_participants` or :meth:`from_participant`; the constructor
    takes every column and validates it.

    Parameters
    ----------
    age : ndarray of int, shape (P,)
        Age attained in ``start_year``, 16-110.
    salary : ndarray of float, shape (P,)
        Annual pay in ``start_year``, dollars per person, >= 0 (0 for
        synthetic cells that are not working).
    balance : ndarray of float, shape (P,)
        Account balance at the start of ``start_year``, dollars per person, >= 0.
    weight : ndarray of float, shape (P,)
        People the cell stands for, > 0 (fractions allowed).
    roth_balance : ndarray of float, shape (P,)
        Roth part of ``balance``, dollars per person, in [0, balance]; the
        pre-tax part is ``balance - roth_balance``.
    deferral_rate : ndarray of float, shape (P,)
        Employee deferral, fraction of pay, [0, 1].
    roth_fraction : ndarray of float, shape (P,)
        Share of deferrals designated Roth, [0, 1].
    default_investor : ndarray of bool, shape (P,)
        Wholly invested in the plan's default (target-date) fund.
    segment : ndarray of str, shape (P,)
        Plan-size segment, one of :data:`SEGMENTS`.
    working : ndarray of bool, shape (P,)
        Employed and contributing in ``start_year``; False for separated or
        retired participants who left their money in the plan.
    retirement_age : ndarray of int, shape (P,)
        Age at which contributions stop, 17-100.
    salary_growth : ndarray of float, shape (P,)
        Nominal annual pay growth, [-0.2, 0.5].
    prior_year_wages : ndarray of float, shape (P,)
        FICA wages of the year before ``start_year`` (SECURE 2.0 §603 Roth
        catch-up test), dollars, >= 0.
    start_year : int
        First simulated calendar year, 2024-2150.

    Notes
    -----
    Population totals are ``n_participants = sum(weight)`` and
    ``total_assets = sum(weight * balance)``. Equality compares every column
    exactly; the hash is that of the column bytes, so equal populations hash
    equal. Instances pickle and deep-copy (the copy is validated again).
    """

    age: np.ndarray
    salary: np.ndarray
    balance: np.ndarray
    weight: np.ndarray
    roth_balance: np.ndarray
    deferral_rate: np.ndarray
    roth_fraction: np.ndarray
    default_investor: np.ndarray
    segment: np.ndarray
    working: np.ndarray
    retirement_age: np.ndarray
    salary_growth: np.ndarray
    prior_year_wages: np.ndarray
    start_year: int = 2026

    def __post_init__(self) -> None:
        start_year = check_int("start_year", self.start_year, low=2024, high=2150)
        object.__setattr__(self, "start_year", start_year)
        for name, values in _checked_columns({n: getattr(self, n) for n in _COLUMNS}).items():
            values.setflags(write=False)
            object.__setattr__(self, name, values)

    # --- identity ----------------------------------------------------------------------------

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild through the constructor so a copy is validated and read-only again.
        return (type(self), (*(getattr(self, n) for n in _COLUMNS), self.start_year))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Population):
            return NotImplemented
        return self.start_year == other.start_year and all(
            np.array_equal(getattr(self, n), getattr(other, n)) for n in _COLUMNS
        )

    def __hash__(self) -> int:
        return hash((self.start_year, *(getattr(self, n).tobytes() for n in _COLUMNS)))

    def __repr__(self) -> str:
        return (
            f"Population(n_cells={self.n_cells:,}, people={self.n_participants:,.0f}, "
            f"total_assets=${self.total_assets / 1e12:.4g}T, start_year={self.start_year})"
        )

    # --- totals ------------------------------------------------------------------------------

    @property
    def n_cells(self) -> int:
        """Number of cells P."""
        return int(self.age.shape[0])

    @property
    def n_participants(self) -> float:
        """People represented, ``sum(weight)``."""
        return float(np.sum(self.weight))

    @property
    def total_assets(self) -> float:
        """Dollars in the plans, ``sum(weight * balance)``."""
        return float(np.dot(self.weight, self.balance))

    # --- constructors ------------------------------------------------------------------------

    @classmethod
    def synthetic(
        cls,
        n_cells: int = 2_000,
        total_assets: float = 12.5e12,
        n_participants: float = 90e6,
        *,
        start_year: int = 2026,
        rng: RngLike = None,
    ) -> Population:
        """A synthetic US DC-plan population calibrated to published facts.

        Parameters
        ----------
        n_cells : int
            Number of cells P, 300-1,000,000.
        total_assets : float
            Dollars in the plans, ``sum(weight * balance)``, > 0; met to the dollar.
        n_participants : float
            People represented, ``sum(weight)``, > 0; met to relative 1e-12.
        start_year : int
            First simulated calendar year, 2024-2150.
        rng : None, int, SeedSequence or Generator
            Seed (SPEC 7) of the within-stratum draws; the same seed gives the
            same population.

        Returns
        -------
        Population
            P cells with exact integer ages; targets and sources are tabled in
            the module docstring, measured errors in :meth:`calibration_report`.

        Notes
        -----
        Construction, in order:

        1. Ages: 60 consecutive integer ages starting at 18-22, chosen so
           that the cells fill whole calendar 5-year birth cohorts (for
           2026: ages 22-81, born 1945-2004). Cells are spread evenly over
           ages; each age starts with people ``N * share(age)``.
        2. Within each age a share ``working_share(age)`` of cells (rounded,
           at least one of each kind where both exist) is working; within each
           HAS band cells are given a segment, default-investor and Roth-user
           status by systematic sampling of a random order, so counts follow
           the target shares.
        3. Weights are raked (iterative proportional fitting) to people by
           age x working, band x default investor, band x Roth user, and
           segment; the last margin is met exactly.
        4. Balances: ``median(age) * exp(sigma_band * z_b)`` times the
           segment's assets-per-person ratio, with ``z_b`` normal quantiles
           stratified within the age and the log median interpolated between
           HAS band mid-ages. Dollars ``weight * balance`` are raked to the
           band totals implied by the HAS mean profile and to the segment
           asset shares (a band x segment scale factor), segment last, which
           also sets ``sum(weight * balance) = total_assets``.
        5. Pay of working cells: ``52 * weekly_band * exp(0.6 * z_p)``,
           ``z_p = rho z_b + sqrt(1 - rho^2) e`` with ``rho = 2 sin(pi/12)``
           (rank correlation 0.5), scaled per band so the weighted median is
           the BLS figure. Deferral of working cells: lognormal about the HAS
           band mean (sigma 0.45, correlation 0.3 with pay), clipped to
           [1%, 50%], scaled per band to the HAS mean exactly. Cells not
           working have no pay, no deferral and no prior-year wages.
        6. Roth users defer all-Roth and hold 30% of their balance as Roth.
        """
        n_cells = check_int("n_cells", n_cells, low=_MIN_SYNTHETIC_CELLS, high=_MAX_SYNTHETIC_CELLS)
        total_assets = _check_positive("total_assets", total_assets)
        n_participants = _check_positive("n_participants", n_participants)
        start_year = check_int("start_year", start_year, low=2024, high=2150)
        root = as_seed_sequence(rng)

        def draws(purpose: str) -> np.random.Generator:
            key = (*root.spawn_key, _POPULATION_STREAM, stable_key(purpose))
            return np.random.default_rng(np.random.SeedSequence(root.entropy, spawn_key=key))

        # 1. Ages, whole birth cohorts: the youngest is born in the last year of one.
        youngest = 18 + (start_year - 22) % 5
        ages = np.arange(youngest, youngest + _N_SYNTHETIC_AGES)
        per_age = np.diff(np.arange(ages.size + 1) * n_cells // ages.size)
        age_index = np.repeat(np.arange(ages.size), per_age)
        age = ages[age_index]
        band = _band(age)
        people_at_age = n_participants * _people_shares(ages)
        band_people = np.bincount(_band(ages), weights=people_at_age, minlength=len(_BAND_LABELS))

        # 2. Status by systematic sampling of a random order within the stratum.
        work_share = _working_share(ages)
        n_working = np.where(
            work_share > 0, np.clip(np.floor(work_share * per_age + 0.5), 1, per_age - 1), 0
        )
        rank, _ = _ranks_within(age_index, draws("working"))
        working = rank < n_working[age_index]

        def systematic(purpose: str) -> np.ndarray:
            rank, size = _ranks_within(band, draws(purpose))
            return (rank + 0.5) / size

        people_share = np.array([SEGMENT_SHARES[s][0] for s in SEGMENTS])
        asset_share = np.array([SEGMENT_SHARES[s][1] for s in SEGMENTS])
        people_share, asset_share = (
            people_share / people_share.sum(),
            asset_share / asset_share.sum(),
        )
        segment_index = np.searchsorted(
            np.cumsum(people_share)[:-1], systematic("segment"), side="right"
        )
        default_investor = systematic("default_investor") < _DEFAULT_INVESTOR_SHARE[band]
        roth_user = systematic("roth") < _ROTH_USER_SHARE[band]

        # 3. People: rake weights to every margin, segment last (exact).
        def split(total: np.ndarray, share: np.ndarray) -> np.ndarray:
            return np.column_stack([total * (1.0 - share), total * share]).ravel()

        weight = _rake(
            (people_at_age / per_age)[age_index],
            [
                (2 * age_index + working, split(people_at_age, work_share)),
                (2 * band + default_investor, split(band_people, _DEFAULT_INVESTOR_SHARE)),
                (2 * band + roth_user, split(band_people, _ROTH_USER_SHARE)),
                (segment_index, n_participants * people_share),
            ],
        )

        # 4. Balances: lognormal within the age, raked to the HAS profile and segment assets.
        z_balance = _stratified_normals(age_index, draws("balance"))
        log_median = np.interp(age, _BAND_MID_AGES, np.log(_HAS_MEDIAN_BALANCE))
        balance = np.exp(log_median + _BALANCE_SIGMA[band] * z_balance)
        balance *= (asset_share / people_share)[segment_index]
        people_by_band = np.bincount(band, weights=weight, minlength=len(_BAND_LABELS))
        band_assets = people_by_band * _HAS_MEAN_BALANCE
        dollars = _rake(
            weight * balance,
            [
                (band, total_assets * band_assets / band_assets.sum()),
                (segment_index, total_assets * asset_share),
            ],
        )
        balance = dollars / weight

        # 5. Pay and deferral of working cells, set per band to the BLS median and HAS mean.
        rho = 2.0 * math.sin(math.pi * _PAY_BALANCE_RANK_CORRELATION / 6.0)
        z_pay = rho * z_balance + math.sqrt(1.0 - rho**2) * _stratified_normals(
            age_index, draws("pay")
        )
        c = _DEFERRAL_PAY_CORRELATION
        z_deferral = c * z_pay + math.sqrt(1.0 - c**2) * _stratified_normals(
            age_index, draws("deferral")
        )
        median_pay = 52.0 * _BLS_WEEKLY_PAY
        salary = median_pay[band] * np.exp(_PAY_SIGMA * z_pay)
        deferral = np.clip(
            _HAS_DEFERRAL[band] * np.exp(_DEFERRAL_SIGMA * z_deferral - 0.5 * _DEFERRAL_SIGMA**2),
            0.01,
            0.5,
        )
        for b in range(len(_BAND_LABELS)):
            cell = working & (band == b)
            if cell.any():
                salary[cell] *= median_pay[b] / _weighted_median(salary[cell], weight[cell])
                deferral[cell] *= _HAS_DEFERRAL[b] / _weighted_mean(deferral[cell], weight[cell])
        salary = np.where(working, salary, 0.0)
        deferral = np.where(working, np.minimum(deferral, 1.0), 0.0)

        # 6. Roth and the remaining columns.
        roth_fraction = roth_user.astype(float)
        return cls(
            age=age,
            salary=salary,
            balance=balance,
            weight=weight,
            roth_balance=_ROTH_BALANCE_SHARE * roth_fraction * balance,
            deferral_rate=deferral,
            roth_fraction=roth_fraction,
            default_investor=default_investor,
            segment=np.asarray(SEGMENTS)[segment_index],
            working=working,
            retirement_age=np.full(age.size, _RETIREMENT_AGE),
            salary_growth=np.full(age.size, DEFAULT_SALARY_GROWTH),
            prior_year_wages=salary / (1.0 + DEFAULT_SALARY_GROWTH),
            start_year=start_year,
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, start_year: int | None = None) -> Population:
        """A population from a table with one row per cell.

        Parameters
        ----------
        frame : pandas.DataFrame
            Required columns ``age, salary, balance, weight``. Optional columns
            and their defaults: ``deferral_rate`` the HAS 2025 average of the
            cell's age band (5.5%, 6.8, 7.3, 7.9, 9.3, 10.1); ``roth_balance`` 0;
            ``roth_fraction`` 0; ``default_investor`` False; ``segment``
            ``"large"``; ``retirement_age`` 65; ``working`` ``age <
            retirement_age``; ``salary_growth`` 0.035; ``prior_year_wages``
            ``salary / (1 + salary_growth)``. Units and ranges as in
            :class:`Population`. The frame is not modified.
        start_year : int, optional
            First simulated year; default ``frame.attrs["start_year"]`` if set
            (as :meth:`to_frame` does), else 2026.

        Returns
        -------
        Population

        Raises
        ------
        ValueError
            For a missing or unknown column, a non-numeric, non-finite or
            out-of-range value, ``roth_balance > balance`` or an unknown
            segment; the message names the column, the first offending row
            (index label) and value, and the allowed range.
        """
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"frame must be a pandas DataFrame; got {type(frame).__name__}")
        for column in frame.columns:
            if column not in _COLUMN_RULES:
                raise ValueError(
                    f"unknown column {column!r}; allowed columns are {', '.join(_COLUMNS)}"
                )
        if frame.columns.duplicated().any():
            duplicate = frame.columns[frame.columns.duplicated()][0]
            raise ValueError(f"column {duplicate!r} appears more than once")
        for column in _REQUIRED_COLUMNS:
            if column not in frame.columns:
                raise ValueError(
                    f"missing required column {column!r}; required columns are "
                    f"{', '.join(_REQUIRED_COLUMNS)}"
                )
        if len(frame) == 0:
            raise ValueError("frame must have at least one row; got 0")
        labels = frame.index.to_numpy()
        given = {c: _checked_column(c, frame[c].to_numpy(), labels) for c in frame.columns}
        n = len(frame)
        age = given["age"]
        retirement_age = given.get("retirement_age", np.full(n, _RETIREMENT_AGE))
        salary_growth = given.get("salary_growth", np.full(n, DEFAULT_SALARY_GROWTH))
        defaults: dict[str, np.ndarray] = {
            "deferral_rate": _HAS_DEFERRAL[_band(age)],
            "roth_balance": np.zeros(n),
            "roth_fraction": np.zeros(n),
            "default_investor": np.zeros(n, dtype=bool),
            "segment": np.full(n, "large"),
            "retirement_age": retirement_age,
            "working": age < retirement_age,
            "salary_growth": salary_growth,
            "prior_year_wages": given["salary"] / (1.0 + salary_growth),
        }
        columns = _checked_columns({c: given.get(c, defaults.get(c)) for c in _COLUMNS}, labels)
        if start_year is None:
            start_year = frame.attrs.get("start_year", 2026)
        return cls(**columns, start_year=start_year)

    @classmethod
    def from_participants(
        cls, participants: Sequence[Participant], weights: Any = None
    ) -> Population:
        """A population with one cell per :class:`Participant` (sharing one ``start_year``).

        Parameters
        ----------
        participants : sequence of Participant
            P savers; each cell is working, not a default investor, in the
            ``"large"`` segment.
        weights : array_like, shape (P,), optional
            People per cell, > 0; default 1 each.
        """
        participants = list(participants)
        cells = cells_from_participants(participants)
        n = cells.n_cells
        weight = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
        if weight.shape != (n,):
            raise ValueError(
                f"weights must have shape ({n},), one per participant; got {weight.shape}"
            )
        return cls(
            age=cells.age.astype(np.int64),
            salary=cells.salary,
            balance=cells.balance,
            weight=weight,
            roth_balance=cells.roth_balance,
            deferral_rate=cells.deferral_rate,
            roth_fraction=cells.roth_fraction,
            default_investor=np.zeros(n, dtype=bool),
            segment=np.full(n, "large"),
            working=np.ones(n, dtype=bool),
            retirement_age=cells.retirement_age.astype(np.int64),
            salary_growth=cells.salary_growth,
            prior_year_wages=cells.prior_year_wages,
            start_year=participants[0].start_year,
        )

    @classmethod
    def from_participant(cls, participant: Participant) -> Population:
        """A one-cell population of weight 1: working, not a default investor, ``"large"``."""
        return cls.from_participants([participant])

    # --- views and variants ------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """One row per cell, every column (``age, salary, balance, weight`` first).

        ``attrs["start_year"]`` carries the start year, so
        ``Population.from_frame(pop.to_frame()) == pop``.
        """
        frame = pd.DataFrame({n: np.array(getattr(self, n)) for n in _COLUMNS})
        frame.attrs["start_year"] = self.start_year
        return frame

    def cells(self) -> ParticipantCells:
        """The engine's view: float arrays of shape (P,), plus ``weight`` and ``working``."""
        return ParticipantCells(
            age=self.age.astype(float),
            salary=self.salary.copy(),
            balance=self.balance.copy(),
            roth_balance=self.roth_balance.copy(),
            deferral_rate=self.deferral_rate.copy(),
            roth_fraction=self.roth_fraction.copy(),
            retirement_age=self.retirement_age.astype(float),
            salary_growth=self.salary_growth.copy(),
            prior_year_wages=self.prior_year_wages.copy(),
            weight=self.weight.copy(),
            working=self.working.copy(),
        )

    def subset(self, index: Any) -> Population:
        """The cells at ``index``, a non-empty 1-d array of integer positions (in order given)."""
        positions = np.asarray(index)
        if positions.ndim != 1 or positions.size == 0 or positions.dtype.kind not in "iu":
            raise ValueError(
                f"index must be a non-empty one-dimensional array of integers; got "
                f"{positions.dtype} array of shape {positions.shape}"
            )
        outside = (positions < -self.n_cells) | (positions >= self.n_cells)
        if outside.any():
            raise ValueError(
                f"index must be between {-self.n_cells} and {self.n_cells - 1}; "
                f"got {positions[outside][0]}"
            )
        columns = {n: getattr(self, n)[positions] for n in _COLUMNS}
        return type(self)(**columns, start_year=self.start_year)

    def scaled(self, total_assets: float) -> Population:
        """The same people with balances (and Roth balances) scaled to ``total_assets`` dollars.

        Parameters
        ----------
        total_assets : float
            New ``sum(weight * balance)``, dollars, >= 0; met to the dollar.
        """
        target = float(total_assets)
        if not math.isfinite(target) or target < 0.0:
            raise ValueError(f"total_assets must be a finite number >= 0; got {total_assets!r}")
        current = self.total_assets
        if current <= 0.0:
            raise ValueError("cannot scale a population whose total_assets is 0")
        factor = target / current
        columns = {n: getattr(self, n) for n in _COLUMNS}
        balance = self.balance * factor
        columns["balance"] = balance
        columns["roth_balance"] = np.minimum(self.roth_balance * factor, balance)
        return type(self)(**columns, start_year=self.start_year)

    # --- calibration -------------------------------------------------------------------------

    def calibration_report(self) -> pd.DataFrame:
        """Model against calibration target, one row per (target, band).

        Returns
        -------
        pandas.DataFrame
            Columns ``target``, ``band``, ``model``, ``calibration``,
            ``rel_error`` (``model / calibration - 1``; NaN where a band is
            empty) and ``source``. Targets:

            * ``participants``, ``assets``: totals against the headline 90M
              people and $12.5T.
            * ``segment participant share``, ``segment asset share``: by segment.
            * ``people by age``: EBRI/ICI bands; ``people by decade (est.)``:
              our split of them (ages under 20 count in the 20s).
            * ``balance profile``: weighted mean balance of the HAS band over
              the overall weighted mean, against the HAS band averages over
              their mean weighted by this population's people per band.
            * ``pay by age``: weighted median salary of working cells, against
              BLS weekly earnings x 52 (the <25 band against 16-24).
            * ``deferral by age``: weighted mean deferral of working cells.
            * ``balance median / mean`` (HAS), ``working share``, ``default
              investor share``, ``Roth user share`` (*est.*): reported, not
              matched exactly.

        Notes
        -----
        Errors measured for ``Population.synthetic(rng=0)`` (2,000 cells):

        ========================== ==================================================
        target                     measured ``rel_error``
        ========================== ==================================================
        participants, assets       1e-15 (assets within $0.01)
        segment shares             1e-15 (people and assets, every segment)
        people by age / decade     3e-12 (raking tolerance 1e-10)
        balance profile            4e-11 (raking tolerance 1e-10)
        pay by age                 2e-16 (set per band)
        deferral by age            2e-16 (set per band)
        balance median / mean      +8.9% <25, -4.5%, -12.9%, +2.6%, -7.3%, +1.0% 65+
        working share              +0.4% (80.5% against 80.2%)
        default investor share     +0.6% (58.3% against 58%)
        Roth user share            -0.2% (17.97% against 18%)
        ========================== ==================================================

        The rank correlation of pay and balance among working cells of a band
        is 0.42-0.52 (target 0.5, *est.*).
        """
        rows: list[tuple[str, str, float, float, str]] = []
        w, age, band = self.weight, self.age, _band(self.age)
        people = self.n_participants
        assets = self.total_assets

        rows.append(("participants", "all", people, _HEADLINE_PARTICIPANTS, "EO 14330 text"))
        rows.append(("assets", "all", assets, _HEADLINE_ASSETS, "coverage of EO 14330"))
        for s in SEGMENTS:
            cell = self.segment == s
            people_share, asset_share, _ = SEGMENT_SHARES[s]
            rows.append(
                ("segment participant share", s, w[cell].sum() / people, people_share, _PLANSPONSOR)
            )
            model_assets = (
                float(np.dot(w[cell], self.balance[cell])) / assets if assets else math.nan
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
            working_cell = cell & self.working
            rows.append(
                (
                    "balance profile",
                    label,
                    _weighted_mean(self.balance[cell], w[cell]) / mean_balance,
                    _HAS_MEAN_BALANCE[b] / has_mean,
                    _HAS_BALANCES,
                )
            )
            rows.append(
                (
                    "balance median / mean",
                    label,
                    _weighted_median(self.balance[cell], w[cell])
                    / _weighted_mean(self.balance[cell], w[cell]),
                    _HAS_MEDIAN_BALANCE[b] / _HAS_MEAN_BALANCE[b],
                    _HAS_BALANCES,
                )
            )
            rows.append(
                (
                    "pay by age",
                    label,
                    _weighted_median(self.salary[working_cell], w[working_cell]),
                    52.0 * _BLS_WEEKLY_PAY[b],
                    _BLS,
                )
            )
            rows.append(
                (
                    "deferral by age",
                    label,
                    _weighted_mean(self.deferral_rate[working_cell], w[working_cell]),
                    _HAS_DEFERRAL[b],
                    _HAS_2025,
                )
            )
        rows.append(
            (
                "working share",
                "all",
                w[self.working].sum() / people,
                _ACTIVE_PARTICIPANTS / _HEADLINE_PARTICIPANTS,
                "est.: 72.2M active (DOL EBSA, 2019 Form 5500) of 90M (EO text)",
            )
        )
        rows.append(
            (
                "default investor share",
                "all",
                w[self.default_investor].sum() / people,
                0.58,
                f"est. from {_HAS_2025}: 55-60% wholly in one target-date fund",
            )
        )
        rows.append(
            (
                "Roth user share",
                "all",
                w[self.roth_fraction > 0].sum() / people,
                0.18,
                f"est. from {_HAS_2025}: about 18% use Roth",
            )
        )
        frame = pd.DataFrame(rows, columns=["target", "band", "model", "calibration", "source"])
        frame.insert(4, "rel_error", frame["model"] / frame["calibration"] - 1.0)
        return frame
