"""The population: :class:`Population`, weighted participant cells.

Its constructors, identity, totals and views live here; the synthetic
generator (:mod:`.synthetic`), column validation (:mod:`._columns`) and the
calibration report (:mod:`.calibration`) are separate modules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _show
from .._random import RngLike
from .._validation import check_int
from ._columns import (
    _COLUMN_RULES,
    _COLUMNS,
    _REQUIRED_COLUMNS,
    _checked_column,
    _checked_columns,
)
from .calibration import calibration_report as _calibration_report
from .cells import ParticipantCells, cells_from_participants
from .participant import Participant
from .synthetic import synthetic_columns
from .targets import _HAS_DEFERRAL, _RETIREMENT_AGE, DEFAULT_SALARY_GROWTH, _band


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

    def _repr_html_(self) -> str | None:
        return _show.html(self)  # alt401k.display.html_population, registered by the face

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
        return cls(
            **synthetic_columns(
                n_cells, total_assets, n_participants, start_year=start_year, rng=rng
            )
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

    def reweighted(self, n_participants: float) -> Population:
        """The same cells with every weight scaled so ``sum(weight) = n_participants``.

        Balances and pay per person are unchanged, so ``total_assets`` scales
        in proportion.

        Parameters
        ----------
        n_participants : float
            New number of people, > 0.
        """
        target = float(n_participants)
        if not math.isfinite(target) or target <= 0.0:
            raise ValueError(f"n_participants must be a finite number > 0; got {n_participants!r}")
        columns = {n: getattr(self, n) for n in _COLUMNS}
        columns["weight"] = self.weight * (target / self.n_participants)
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
        return _calibration_report(self)
