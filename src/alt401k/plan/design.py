"""The plan design and its named presets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from pydantic import Field, model_validator

from .._spec import Spec
from .match import MatchFormula
from .vesting import Vesting

__all__ = ["PLAN_PRESETS", "PlanDesign"]


class PlanDesign(Spec):
    """What the employer's plan does with a participant's pay.

    Parameters
    ----------
    match : MatchFormula
        Employer match on deferrals; default the modal 50% of the first 6%.
    nonelective_rate : float
        Employer contribution for every eligible employee regardless of
        deferral (e.g. 0.03 safe harbor), fraction of plan compensation, [0, 0.25].
    match_catch_up : bool
        Whether age-50+ catch-up deferrals are matched (plan-specific).
    recordkeeping_fee : float
        Flat participant fee, dollars per year, deducted evenly each period
        (never more than the balance). Default $50 (*est.*, $40-60 range).
    match_timing : {"true_up", "per_period"}
        ``"true_up"`` (default): the match is computed on the year's deferrals
        and pay. ``"per_period"``: on each pay period's deferral and pay, then
        summed, so a saver who reaches the 402(g) limit early (a front-loader)
        gets no match for the rest of the year.
    pay_periods : int
        Pay periods a year for ``"per_period"`` matching, 1-366; default 26
        (biweekly).
    profit_sharing_rate : float
        Profit-sharing contribution, fraction of plan compensation, [0, 0.25]
        (the 25% deduction limit of IRC 404(a)(3)). Employer money: it counts
        toward 415(c) and is not matched.
    employer_roth_fraction : float
        Share of employer money the participant designates Roth (SECURE 2.0
        §604), [0, 1]; only fully vested contributions can be Roth. Employer
        Roth money is taxable income to the employee in the year it is
        contributed (no tax is computed here).
    auto_enroll : bool
        Whether the plan enrolls employees automatically at ``default_rate``.
    default_rate : float
        Auto-enrollment default deferral rate, [0, 1]; default 4% (HAS 2025:
        61% of auto-enrolling plans default at 4% or more; 3% historically).
    auto_escalation : bool
        Whether the default rate rises by ``escalation_step`` a year up to
        ``escalation_cap`` (needs ``auto_enroll``).
    escalation_step, escalation_cap : float
        Auto-escalation step and cap, fractions of pay in [0, 1]; default +1
        point a year to 10% (HAS 2025, typical design). ``escalation_cap``
        must be at least ``default_rate`` when escalation is on.
    participation_auto, participation_voluntary : float
        Share of eligible employees who participate in auto-enrolling and in
        voluntary plans, [0, 1]; default 94% and 64% (HAS 2025).
    apply_participation : bool
        In a voluntary plan, whether cells are scaled by
        ``participation_voluntary`` (default False: a single saver's
        contributions are what they elected). Auto-enrolling plans always
        apply ``participation_auto``.
    vesting : Vesting
        Vesting schedule of employer money; default immediate.

    Notes
    -----
    Auto-features act on cells as expected shares. In an auto-enrolling plan
    a participating member of a cell defers, in year ``y`` counted from the
    first simulated year,

    .. math:: r_y = \\max(e, d_y), \\qquad
              d_y = \\min(d_0 + s\\,y, \\bar d) \\text{ (escalation on; } d_0 \\text{ otherwise)},

    where ``e`` is the cell's own election: participants who elected more
    keep their election. The opt-outs, a ``1 - participation_auto`` share,
    defer 0. The cell's expected deferral rate is ``participation_auto * r_y``
    (:meth:`effective_deferral_rate`); its expected dollars are the mixture
    ``p * f(r_y) + (1 - p) * f(0)`` of the contributions ``f`` of a
    participant and of an opt-out, which keeps every IRS limit and the match
    formula exact (opt-outs still receive non-elective and profit-sharing
    money). A voluntary plan with ``apply_participation`` does the same with
    ``participation_voluntary`` and ``r_y = e``.
    """

    match: MatchFormula = Field(default_factory=MatchFormula.modal)
    nonelective_rate: float = Field(default=0.0, ge=0.0, le=0.25)
    match_catch_up: bool = True
    recordkeeping_fee: float = Field(default=50.0, ge=0.0, le=10_000.0)
    match_timing: Literal["true_up", "per_period"] = "true_up"
    pay_periods: int = Field(default=26, ge=1, le=366)
    profit_sharing_rate: float = Field(default=0.0, ge=0.0, le=0.25)
    employer_roth_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    auto_enroll: bool = False
    default_rate: float = Field(default=0.04, ge=0.0, le=1.0)
    auto_escalation: bool = False
    escalation_step: float = Field(default=0.01, ge=0.0, le=1.0)
    escalation_cap: float = Field(default=0.10, ge=0.0, le=1.0)
    participation_auto: float = Field(default=0.94, ge=0.0, le=1.0)
    participation_voluntary: float = Field(default=0.64, ge=0.0, le=1.0)
    apply_participation: bool = False
    vesting: Vesting = Field(default_factory=Vesting)

    @model_validator(mode="after")
    def _total_employer_is_plausible(self) -> PlanDesign:
        total = self.match.max_match_fraction + self.nonelective_rate + self.profit_sharing_rate
        if total > 1.0:
            parts = "match plus nonelective_rate" + (
                " plus profit_sharing_rate" if self.profit_sharing_rate else ""
            )
            raise ValueError(f"{parts} can reach {total:g} of pay; allowed at most 1")
        if self.auto_escalation and not self.auto_enroll:
            raise ValueError(
                "auto_escalation=True needs auto_enroll=True (it escalates the default rate)"
            )
        if self.auto_escalation and self.escalation_cap < self.default_rate:
            raise ValueError(
                f"escalation_cap must be between default_rate ({self.default_rate:g}) and 1; "
                f"got {self.escalation_cap:g}"
            )
        return self

    @property
    def participation(self) -> float:
        """Expected share of a cell that participates: 1 unless auto-features apply."""
        if self.auto_enroll:
            return self.participation_auto
        return self.participation_voluntary if self.apply_participation else 1.0

    def default_rate_by_year(self, n_years: int) -> np.ndarray:
        """Auto-enrollment default rate in each year, shape (n_years,), fraction of pay.

        ``min(default_rate + escalation_step * y, escalation_cap)`` with
        escalation, ``default_rate`` without; zeros if the plan does not auto-enroll.
        """
        if not self.auto_enroll:
            return np.zeros(n_years)
        if not self.auto_escalation:
            return np.full(n_years, self.default_rate)
        y = np.arange(n_years, dtype=float)
        return np.minimum(self.default_rate + self.escalation_step * y, self.escalation_cap)

    def participant_rate_by_year(self, elected: ArrayLike, n_years: int) -> np.ndarray:
        """Deferral rate of a participating member of each cell, shape (n_years, P).

        ``max(elected, default_y)`` in an auto-enrolling plan (see Notes), the
        election otherwise.
        """
        elected = np.asarray(elected, dtype=float)
        rate = np.broadcast_to(elected[None, :], (n_years, *elected.shape))
        if self.auto_enroll:
            return np.maximum(rate, self.default_rate_by_year(n_years)[:, None])
        return rate.copy()

    def effective_deferral_rate(self, elected: ArrayLike, n_years: int) -> np.ndarray:
        """Expected deferral rate of each cell, ``participation * participant rate``, (Y, P)."""
        return self.participation * self.participant_rate_by_year(elected, n_years)

    @classmethod
    def preset_names(cls) -> tuple[str, ...]:
        """Names accepted by :meth:`preset`."""
        return tuple(PLAN_PRESETS)

    @classmethod
    def preset(cls, name: str) -> PlanDesign:
        """A common plan design by name.

        Parameters
        ----------
        name : str
            One of :meth:`preset_names`:

            ``"modal"``
                50% of the first 6% of pay, immediate vesting: the most common
                match formula (Vanguard HAS 2025). Same as ``PlanDesign()``.
            ``"safe_harbor_basic"``
                100% of the first 3% plus 50% of the next 2%, immediately
                vested (IRC 401(k)(12)(B)(i)(II), 401(k)(12)(E)(i); Treas. Reg.
                §1.401(k)-3(c)).
            ``"safe_harbor_enhanced"``
                100% of the first 4%, immediately vested: the usual enhanced
                formula, at least as generous as the basic one at every rate
                (IRC 401(k)(12)(B)(ii)).
            ``"safe_harbor_nonelective"``
                3% of pay to every eligible employee, no match, immediately
                vested (IRC 401(k)(12)(C)).
            ``"generous"``
                100% of the first 6% with a 3-year cliff (*est.*: a rich design
                at the statutory cliff limit, IRC 411(a)(2)(B)(ii)).
            ``"qaca"``
                Qualified automatic contribution arrangement: 100% of the first
                1% plus 50% of the next 5%, 2-year cliff, auto-enrollment at 3%
                escalating 1 point a year to 10% (IRC 401(k)(13)(D)(i)(I),
                (13)(D)(iii); 6-15% is the statutory band from year four, 10%
                the typical cap, *est.*).
            ``"auto_modal"``
                The modal match with auto-enrollment at 4% and escalation of
                1 point a year to 10% (HAS 2025: the typical auto-feature design).

        Returns
        -------
        PlanDesign

        Raises
        ------
        ValueError
            For an unknown name; the message lists the known ones.
        """
        try:
            factory = PLAN_PRESETS[name]
        except (KeyError, TypeError):
            raise ValueError(
                f"unknown plan preset {name!r}; known presets: {', '.join(PLAN_PRESETS)}"
            ) from None
        return factory()


def _modal() -> PlanDesign:
    return PlanDesign()


def _safe_harbor_basic() -> PlanDesign:
    return PlanDesign(match=MatchFormula(tiers=((1.0, 0.03), (0.5, 0.02))), vesting=Vesting())


def _safe_harbor_enhanced() -> PlanDesign:
    return PlanDesign(match=MatchFormula(tiers=((1.0, 0.04),)), vesting=Vesting())


def _safe_harbor_nonelective() -> PlanDesign:
    return PlanDesign(match=MatchFormula(tiers=()), nonelective_rate=0.03, vesting=Vesting())


def _generous() -> PlanDesign:
    return PlanDesign(
        match=MatchFormula(tiers=((1.0, 0.06),)), vesting=Vesting(kind="cliff", years=3)
    )


def _qaca() -> PlanDesign:
    return PlanDesign(
        match=MatchFormula(tiers=((1.0, 0.01), (0.5, 0.05))),
        vesting=Vesting(kind="cliff", years=2),
        auto_enroll=True,
        default_rate=0.03,
        auto_escalation=True,
        escalation_step=0.01,
        escalation_cap=0.10,
    )


def _auto_modal() -> PlanDesign:
    return PlanDesign(
        auto_enroll=True,
        default_rate=0.04,
        auto_escalation=True,
        escalation_step=0.01,
        escalation_cap=0.10,
    )


#: Named plan designs for :meth:`PlanDesign.preset`, name -> factory (read-only).
PLAN_PRESETS: Mapping[str, Callable[[], PlanDesign]] = MappingProxyType(
    {
        "modal": _modal,
        "safe_harbor_basic": _safe_harbor_basic,
        "safe_harbor_enhanced": _safe_harbor_enhanced,
        "safe_harbor_nonelective": _safe_harbor_nonelective,
        "generous": _generous,
        "qaca": _qaca,
        "auto_modal": _auto_modal,
    }
)
