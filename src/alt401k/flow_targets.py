"""Measured money flows of DC plans: the targets the pool's first year is calibrated to.

Every rate is dollars in a calendar year over the *average* of the plans'
assets at the start and the end of that year (the convention of ICI's and
the Form 5500 bulletin's ratios), so a rate carries over to another year and
pool size: the pool's first year is solved to reproduce the rates, not the
dollars (:meth:`alt401k.Scenario.calibration`).

What the $12.5T pool is
-----------------------

All US defined-contribution plans (ICI quarterly retirement market data,
Q2 2023, total $10.2T): 401(k) $7.2T (71%), 403(b) $1.2T (12%), federal
Thrift Savings Plan $0.79T (8%), other private DC $0.58T (6%), 457 $0.42T
(4%). Participants: about 90 million (EO 14330 text; 72.2M active in 401(k)
plans, 2019 Form 5500; 92.6M active in private DC plans, 2022 Form 5500 via
CRS IF12839). Flows are measured for private-sector plans (Form 5500: 401(k),
private 403(b), profit-sharing and other private DC) and for 401(k) plans
alone (ICI); TSP, 457 and public 403(b) plans (about 18% of assets) publish
no comparable totals, and the defaults assume their rates equal the private
plans' (*est.*). The two measured series agree within a percentage point of
assets (table below), so the difference between plan types is smaller than
the difference between sources.

Measured totals
---------------

=============================  ==========  ==========  ==========
                               Form 5500   Form 5500   ICI 401(k)
                               2023        2022        2023
=============================  ==========  ==========  ==========
contributions, $B              767.6       710.9       677.2
  employer                     257.6       (*est.*)    (*est.*)
  participants                 433.7       (*est.*)    (*est.*)
  rollovers in and other       74.6        (*est.*)    (*est.*)
benefit payments, $B           783.7       716.0       684.7
average assets, $T             8.70 *est*  8.85 *est*  7.00
contributions, % of assets     8.82        8.03        9.67
benefit payments, % of assets  9.01        8.09        9.78
net new money, % of assets     -0.19       -0.06       -0.11
=============================  ==========  ==========  ==========

Sources: DOL EBSA Private Pension Plan Bulletin, Abstract of 2023 Form 5500
Annual Reports, Table A4 and historical tables (2022 and 2023 flows); ICI,
"401(k) Plans: A Supplement" and quarterly retirement market data (2023 flows;
assets $6.6T end-2022, $7.4T end-2023). The bulletin's own asset totals were
not available offline: its denominators are *est.* from ICI's mid-2023
private-DC figures (401(k) $7.2T + other private DC $0.58T + about $0.9T of
403(b) plans of private tax-exempt employers = $8.7T) and, for 2022, the
Federal Reserve's private DC assets ($9.4T end-2021, Financial Accounts via
CRS) averaged with an end-2022 $8.3T (*est.*, ICI's 2022 fall). Where a year
gives only totals, its split by source uses 2023's shares (*est.*).

Outflows by cause (shares of assets, Form 5500 2023 total)
-----------------------------------------------------------

No source splits benefit payments by cause; the defaults are *est.* and
adjustable, anchored where a figure exists:

==================  ======  ====================================================
cause               share   basis
==================  ======  ====================================================
rollovers to plans  0.857%  = rollovers in (Form 5500 2023: $74.6B / $8.7T)
separations to IRA  2.00%   *est.*: job leavers' rollovers; with retirees' they
                            make the $652.8B rolled into IRAs in 2023 (IRS SOI
                            via ICI, all employer plans) about 5.3% of DC assets
cash-outs           0.25%   *est.*: 1-3% of leavers' assets (Vanguard 2012-21)
                            and later cash-outs of small balances
hardship            0.20%   4.8% of active participants a year (Vanguard HAS
                            2025) x 72.2M x $5,000 (*est.* average) = $17B
loan defaults       0.07%   *est.*: about $6B a year of defaulted loans
deaths              0.75%   *est.*: SSA 2019 period mortality on the synthetic
                            population's assets by age (0.81%), less about 10%
                            for participants' higher incomes
retirees            rest    withdrawals, RMDs and retirees' rollovers to IRAs:
                            4.88% with the defaults
==================  ======  ====================================================

The split of employee contributions into pre-tax and Roth has no measured
total in either source; ``roth_share`` (0.18, *est.* from 18% of participants
using Roth, Vanguard HAS 2025) is reported against the model, not solved.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ._spec import Spec

__all__ = ["FLOW_RATES", "OUTFLOW_CAUSE_TARGETS", "FlowTargets"]

#: Outflow causes with a target of their own; the retirees' share is the rest.
OUTFLOW_CAUSE_TARGETS: tuple[str, ...] = (
    "rollover",
    "cash_out",
    "hardship",
    "loan_default",
    "death",
)

#: Every rate field of :class:`FlowTargets`, each a share of average assets.
FLOW_RATES: tuple[str, ...] = (
    "employee",
    "employer",
    "rollovers_in",
    "outflows",
    *OUTFLOW_CAUSE_TARGETS,
)

_FORM_5500 = "DOL EBSA Private Pension Plan Bulletin, Abstract of {year} Form 5500, Table A4"
_ICI = "ICI, 401(k) plan contributions and benefits, and quarterly retirement market data"

# Form 5500 2023: $B, and the est. average private-DC assets in $B.
_F5500_2023 = {"employer": 257.6, "employee": 433.7, "rollovers_in": 74.6, "benefits": 783.7}
_F5500_2023_ASSETS = 8_700.0
_OUTFLOW_SPLIT_2023 = {  # shares of assets, est. (module docstring)
    "rollover": 0.0200,
    "cash_out": 0.0025,
    "hardship": 0.0020,
    "loan_default": 0.0007,
    "death": 0.0075,
}


class FlowTargets(Spec):
    """Measured yearly flows of DC plans, as shares of average assets.

    Parameters
    ----------
    year : int
        The calendar year the figures measure, 1975-2150.
    label : str
        A short name of the source, for reports.
    employee : float
        Employee contributions (pre-tax and Roth deferrals), share of average
        assets, [0, 1).
    roth_share : float
        Share of employee contributions designated Roth, [0, 1]; reported,
        not solved (no measured total exists).
    employer : float
        Employer contributions (match, non-elective, profit sharing), [0, 1).
    rollovers_in : float
        Rollovers into the plans from other plans (and other receipts), [0, 1).
        In the pool they are job changers' plan-to-plan rollovers: money that
        leaves one plan and arrives in another, so it is counted in
        ``outflows`` too.
    outflows : float
        Benefit payments of every kind, rollovers to other plans included,
        [0, 1).
    rollover, cash_out, hardship, loan_default, death : float
        The parts of ``outflows`` with a target of their own, [0, 1): working
        participants' separations rolled over to IRAs, cash-outs, hardship
        withdrawals, defaulted loans, and deaths. The retirees' part
        (withdrawals, RMDs, retirees' rollovers) is what remains:
        ``outflows - rollovers_in - sum(parts)``, which must not be negative.
    sources : dict of str to str
        Where each figure comes from (``"*est.*"`` marks a judgement).
    tolerance : float
        Relative accuracy the solver must reach on every target, (0, 0.01].

    Notes
    -----
    Net new money is ``employee + employer + rollovers_in - outflows``; the
    plan-to-plan rollovers cancel in it. See the module docstring for the
    figures, their years and sources.
    """

    year: int = Field(ge=1975, le=2150)
    label: str = Field(min_length=1, max_length=200)
    employee: float
    roth_share: float = 0.18
    employer: float
    rollovers_in: float
    outflows: float
    rollover: float
    cash_out: float
    hardship: float
    loan_default: float
    death: float
    sources: dict[str, str] = Field(default_factory=dict)
    tolerance: float = Field(default=1e-6, gt=0.0, le=0.01)

    @field_validator(*FLOW_RATES, mode="before")
    @classmethod
    def _rate(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(
                f"{info.field_name} must be a share of average assets (a number in [0, 1)); "
                f"got {value!r}"
            )
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"{info.field_name} must be a finite number; got {value!r}")
        if number < 0.0:
            raise ValueError(
                f"{info.field_name} = {number:g} is negative: a flow target is a share of "
                "assets in [0, 1)"
            )
        if number >= 1.0:
            raise ValueError(
                f"{info.field_name} = {number:g} is 100% of assets or more: a yearly flow "
                "target must be a share of assets in [0, 1) (0.09, not 9)"
            )
        return number

    @field_validator("roth_share")
    @classmethod
    def _roth_share(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"roth_share must be between 0 and 1; got {value!r}")
        return value

    @model_validator(mode="after")
    def _causes_fit(self) -> FlowTargets:
        parts = self.rollovers_in + sum(getattr(self, c) for c in OUTFLOW_CAUSE_TARGETS)
        if parts > self.outflows * (1.0 + 1e-12):
            named = ", ".join(
                f"{c} {getattr(self, c):.4g}" for c in ("rollovers_in", *OUTFLOW_CAUSE_TARGETS)
            )
            raise ValueError(
                f"outflows by cause ({named}) sum to {parts:.4g}, above the total outflows "
                f"{self.outflows:.4g}: the causes are parts of the total, so they cannot "
                "add up to more"
            )
        return self

    # --- derived ------------------------------------------------------------

    @property
    def retiree(self) -> float:
        """The retirees' share of outflows: ``outflows - rollovers_in - sum(cause targets)``."""
        return max(
            self.outflows
            - self.rollovers_in
            - sum(getattr(self, c) for c in OUTFLOW_CAUSE_TARGETS),
            0.0,
        )

    @property
    def contributions(self) -> float:
        """All money paid in: ``employee + employer + rollovers_in``."""
        return self.employee + self.employer + self.rollovers_in

    @property
    def net_new_money(self) -> float:
        """``contributions - outflows``, share of average assets."""
        return self.contributions - self.outflows

    # --- presets ------------------------------------------------------------

    @classmethod
    def default(cls) -> FlowTargets:
        """The defaults: private DC plans in 2023 (Form 5500), carried to the pool as rates."""
        return cls.form_5500(2023)

    @classmethod
    def form_5500(cls, year: int = 2023) -> FlowTargets:
        """Private DC plans' flows in ``year`` (2022 or 2023), Form 5500 bulletin.

        2023 splits contributions by source as published; 2022 publishes totals
        ($710.9B in, $716.0B out), split in 2023's proportions (*est.*). The
        denominators are *est.* (module docstring).
        """
        if year not in (2022, 2023):
            raise ValueError(f"year must be 2022 or 2023 for form_5500; got {year!r}")
        c = _F5500_2023
        if year == 2023:
            scale, assets, benefits = 1.0, _F5500_2023_ASSETS, c["benefits"]
        else:
            scale = 710.9 / (c["employer"] + c["employee"] + c["rollovers_in"])
            assets, benefits = 8_850.0, 716.0
        return cls._from_dollars(
            year=year,
            label=f"Form 5500 {year}, private DC",
            employer=c["employer"] * scale,
            employee=c["employee"] * scale,
            rollovers_in=c["rollovers_in"] * scale,
            benefits=benefits,
            assets=assets,
            source=_FORM_5500.format(year=year),
            split_est=year != 2023,
        )

    @classmethod
    def ici_401k(cls, year: int = 2023) -> FlowTargets:
        """401(k) plans' flows in 2023 (ICI): $677.2B in, $684.7B out, on $7.0T average assets.

        Contributions are split by source in the Form 5500 2023 proportions (*est.*).
        """
        if year != 2023:
            raise ValueError(f"year must be 2023 for ici_401k; got {year!r}")
        c = _F5500_2023
        scale = 677.2 / (c["employer"] + c["employee"] + c["rollovers_in"])
        return cls._from_dollars(
            year=2023,
            label="ICI 2023, 401(k)",
            employer=c["employer"] * scale,
            employee=c["employee"] * scale,
            rollovers_in=c["rollovers_in"] * scale,
            benefits=684.7,
            assets=7_000.0,
            source=_ICI,
            split_est=True,
        )

    @classmethod
    def _from_dollars(
        cls,
        *,
        year: int,
        label: str,
        employer: float,
        employee: float,
        rollovers_in: float,
        benefits: float,
        assets: float,
        source: str,
        split_est: bool,
    ) -> FlowTargets:
        # The est. causes keep their 2023 shares of the benefits total.
        ratio = (benefits / assets) / (_F5500_2023["benefits"] / _F5500_2023_ASSETS)
        causes = {name: share * ratio for name, share in _OUTFLOW_SPLIT_2023.items()}
        split = " (split by source *est.* from Form 5500 2023)" if split_est else ""
        denominator = f"; average assets ${assets / 1e3:.2f}T (*est.*)"
        sources = {
            "employee": source + split + denominator,
            "employer": source + split + denominator,
            "rollovers_in": source + split + denominator,
            "outflows": source + denominator,
            "roth_share": "*est.*: 18% of participants use Roth (Vanguard HAS 2025)",
            "rollover": "*est.*: with retirees', IRA rollovers of $652.8B (IRS SOI 2023)",
            "cash_out": "*est.*: 1-3% of leavers' assets cashed out (Vanguard 2012-21)",
            "hardship": "4.8% of active participants (Vanguard HAS 2025) x $5,000 (*est.*)",
            "loan_default": "*est.*: about $6B of defaulted loans a year",
            "death": "*est.*: SSA 2019 period mortality on the assets by age, less 10%",
        }
        return cls(
            year=year,
            label=label,
            employee=employee / assets,
            employer=employer / assets,
            rollovers_in=rollovers_in / assets,
            outflows=benefits / assets,
            sources=sources,
            **causes,
        )
