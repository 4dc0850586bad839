"""The calibrated synthetic generator behind :meth:`Population.synthetic`.

The construction steps are documented on
:meth:`~alt401k.population.Population.synthetic`, the targets in the
:mod:`alt401k.population` docstring.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import ndtri  # type: ignore[import-untyped]  # scipy ships no stubs

from .._random import RngLike, as_seed_sequence, stable_key
from .._validation import check_int
from .calibration import _weighted_mean, _weighted_median
from .targets import (
    _BALANCE_SIGMA,
    _BAND_LABELS,
    _BAND_MID_AGES,
    _BLS_WEEKLY_PAY,
    _DEFAULT_INVESTOR_SHARE,
    _DEFERRAL_PAY_CORRELATION,
    _DEFERRAL_SIGMA,
    _HAS_DEFERRAL,
    _HAS_MEAN_BALANCE,
    _HAS_MEDIAN_BALANCE,
    _OVER_70_DECLINE,
    _PAY_BALANCE_RANK_CORRELATION,
    _PAY_SIGMA,
    _PEOPLE_BY_DECADE,
    _RETIREMENT_AGE,
    _ROTH_BALANCE_SHARE,
    _ROTH_USER_SHARE,
    DEFAULT_SALARY_GROWTH,
    SEGMENT_SHARES,
    SEGMENTS,
    _band,
    _working_share,
)

_N_SYNTHETIC_AGES = 60
_MIN_SYNTHETIC_CELLS = 300
_MAX_SYNTHETIC_CELLS = 1_000_000
_POPULATION_STREAM = stable_key("population")


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


def synthetic_columns(
    n_cells: int,
    total_assets: float,
    n_participants: float,
    *,
    start_year: int,
    rng: RngLike,
) -> dict[str, Any]:
    """Every column of :meth:`Population.synthetic`, and ``start_year``, as constructor keywords.

    Arguments are validated here; their meaning, and the construction steps,
    are documented on :meth:`~alt401k.population.Population.synthetic`.
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
    z_pay = rho * z_balance + math.sqrt(1.0 - rho**2) * _stratified_normals(age_index, draws("pay"))
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
    return dict(
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
