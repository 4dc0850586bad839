"""Solve the pool's free flow parameters so its first year reproduces measured DC flows.

The procedure (:func:`solve_flows`), documented for
:meth:`alt401k.Scenario.calibration`:

1. **The first year on its expected path.** The pool's groups (built as for a
   run, horizon one year) are rolled forward by :func:`alt401k.engine.simulate`
   over one deterministic path: every asset earns its expected arithmetic
   return, spread evenly over the periods. Every flow of the year is divided by
   the average of the pool's assets at the start and at the end of the year,
   the convention of the measured rates (:mod:`alt401k.flow_targets`).
2. **One parameter per target**, each a factor on a rule documented elsewhere:

   =====================  ===========================================  =================
   target                 parameter                                    rule
   =====================  ===========================================  =================
   employee               ``pay_scale``: working cells' pay (and       contributions,
                          prior-year wages) times this factor          limits, match
   employer               ``employer_scale``: employer money times     match formulas
                          this factor (non-elective and profit-        of the segments
                          sharing contributions are not in the
                          segments' match formulas)
   rollovers in,          ``Leakage.rollover`` (share of a leaver's    separations
   separations to IRA     assets rolled over, at once or later) and
                          ``Leakage.to_new_plan`` (the part going to
                          a new plan) = rollovers in / both
   cash-outs              ``Leakage.cash_out``                         separations
   hardship               ``Leakage.hardship_share``                   hardship
   loan defaults          ``Leakage.loan_default_rate``                loans
   deaths                 ``mortality_scale``                          mortality
   retirees               ``retiree_scale`` (from 70 the RMD stays     retirement rules
                          the floor)
   =====================  ===========================================  =================

3. **Fixed point.** Each parameter is multiplied by ``target / model`` and the
   year is evaluated again, until every target is met to the targets'
   ``tolerance`` (relative), at most :data:`MAX_ITERATIONS` times. The rules
   are linear or nearly so in their parameter (limits make contributions
   slightly concave in pay), so a handful of rounds suffice.

A parameter outside its range (a share above 1, pay beyond 10x, retirees
withdrawing less than the RMDs require) means the target cannot be met by
these rules: the error names the target, its value and why.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .engine import simulate
from .flow_targets import FlowTargets
from .leakage import Leakage

if TYPE_CHECKING:
    from .population import Population
    from .scenario import Scenario

__all__ = ["MAX_ITERATIONS", "FlowCalibration", "FlowParameters", "solve_flows"]

#: Rounds of the fixed point before giving up.
MAX_ITERATIONS = 200
#: Largest factor on the population's pay the solver accepts.
_MAX_PAY_SCALE = 10.0


@dataclasses.dataclass(frozen=True)
class FlowParameters:
    """The solved factors the pool's rules take (see the module docstring).

    Attributes
    ----------
    pay_scale : float
        Factor on the pay and prior-year wages of working cells.
    employer_scale : float
        Factor on employer contributions.
    leakage : Leakage
        Separation shares, plan-to-plan share, hardship size and loan default
        rate in force.
    retiree_scale : float
        Factor on the rates of cells not working (the RMD a floor from 70).
    mortality_scale : float
        Factor on :func:`alt401k.outflows.mortality_rate`.
    """

    pay_scale: float = 1.0
    employer_scale: float = 1.0
    leakage: Leakage = dataclasses.field(default_factory=Leakage)
    retiree_scale: float = 1.0
    mortality_scale: float = 1.0

    def apply(self, population: Population) -> Population:
        """``population`` with working cells' pay and prior-year wages times ``pay_scale``."""
        if self.pay_scale == 1.0:
            return population
        from .population._columns import _COLUMNS

        columns = {name: getattr(population, name) for name in _COLUMNS}
        columns["salary"] = population.salary * self.pay_scale
        columns["prior_year_wages"] = population.prior_year_wages * self.pay_scale
        return type(population)(**columns, start_year=population.start_year)

    def as_dict(self) -> dict[str, float]:
        """Every number in force, flat: the scales and the leakage fields that were solved."""
        leak = self.leakage
        return {
            "pay_scale": self.pay_scale,
            "employer_scale": self.employer_scale,
            "rollover": leak.rollover,
            "to_new_plan": leak.to_new_plan,
            "cash_out": leak.cash_out,
            "left_in_plan": leak.left_in_plan,
            "hardship_share": leak.hardship_share,
            "loan_default_rate": leak.loan_default_rate,
            "retiree_scale": self.retiree_scale,
            "mortality_scale": self.mortality_scale,
        }


@dataclasses.dataclass(frozen=True)
class FlowCalibration:
    """The outcome of :func:`solve_flows`: parameters and the first year they give.

    Attributes
    ----------
    targets : FlowTargets or None
        What was solved for (None: the rules as given, nothing solved).
    parameters : FlowParameters
    rates : dict of str to float
        The first year on its expected path, shares of average assets:
        ``employee``, ``employee_pretax``, ``employee_roth``, ``employer``,
        ``rollovers_in``, ``contributions`` (the three plus rollovers in),
        ``outflows`` (benefit payments, plan-to-plan rollovers included),
        each cause of :data:`alt401k.outflows.OUTFLOW_PARTS`, ``retiree``,
        and ``net_new_money``.
    dollars : dict of str to float
        The same flows in dollars.
    opening_assets, closing_assets : float
        Pool assets at the start and the end of the first year (expected path).
    iterations : int
        Rounds of the fixed point (0 when nothing was solved).
    solved : tuple of str
        Targets solved for; the others (e.g. contributions when
        ``Scenario.annual_contributions`` is set) are only reported.
    """

    targets: FlowTargets | None
    parameters: FlowParameters
    rates: dict[str, float]
    dollars: dict[str, float]
    opening_assets: float
    closing_assets: float
    iterations: int
    solved: tuple[str, ...]

    @property
    def average_assets(self) -> float:
        """Mean of the first year's opening and closing assets, dollars."""
        return 0.5 * (self.opening_assets + self.closing_assets)


def expected_path(markets: Any, names: tuple[str, ...], periods_per_year: int) -> np.ndarray:
    """Returns (1, n, A): each asset's expected arithmetic annual return spread over n periods."""
    mean = np.asarray(markets.subset(names).expected_returns, dtype=float)
    per_period = np.power(1.0 + mean, 1.0 / periods_per_year) - 1.0
    return np.broadcast_to(per_period, (1, periods_per_year, len(names))).copy()


def first_year(
    scenario: Scenario,
    population: Population,
    names: tuple[str, ...],
    parameters: FlowParameters,
    periods_per_year: int = 12,
) -> tuple[dict[str, float], float, float]:
    """Dollars of every flow in the pool's first year on the expected path.

    Returns ``(dollars, opening assets, closing assets)``.
    """
    from ._pool import build_layout

    one_year = scenario.model_copy(update={"horizon_years": 1})
    layout = build_layout(one_year, population, names, periods_per_year, parameters)
    schedule = dataclasses.replace(layout.schedule, asset=None)
    out = simulate(expected_path(scenario.markets, names, periods_per_year), schedule)
    pretax, roth, employer = (float(v) for v in layout.contributions_by_source[0])
    dollars: dict[str, float] = {
        "employee_pretax": pretax,
        "employee_roth": roth,
        "employee": pretax + roth,
        "employer": employer,
    }
    by_cause = dict(zip(layout.outflow_names, out.outflow_by_part[0, 0], strict=True))
    rollovers_in = float(by_cause.pop("rollovers_in", 0.0))
    dollars["rollovers_in"] = rollovers_in
    dollars["contributions"] = pretax + roth + employer + rollovers_in
    for cause, value in by_cause.items():
        dollars[cause] = float(value)
    dollars["outflows"] = float(out.pool_outflows[0, 0]) + rollovers_in
    dollars["net_new_money"] = dollars["contributions"] - dollars["outflows"]
    opening = float(np.sum(layout.schedule.balance0[0]))
    return dollars, opening, float(out.pool_assets[0, 0])


def solve_flows(
    scenario: Scenario,
    population: Population,
    names: tuple[str, ...],
    targets: FlowTargets | None,
) -> FlowCalibration:
    """Solve :class:`FlowParameters` so the pool's first year meets ``targets``.

    Parameters
    ----------
    scenario : Scenario
        The rules (plan designs, leakage, portfolio, markets) to calibrate.
    population : Population
        The cells, balances at the start (``resolved_population()``).
    names : tuple of str
        The run's assets.
    targets : FlowTargets or None
        Rates to meet; None evaluates the rules as given.

    Raises
    ------
    ValueError
        A target the rules cannot meet, naming the target, its value and why.
    """
    params = FlowParameters(leakage=scenario.leakage)
    if targets is None:
        dollars, a0, a1 = first_year(scenario, population, names, params)
        return _result(None, params, dollars, a0, a1, 0, ())
    solve_pay = scenario.annual_contributions is None
    solve_out = scenario.distribution_rate is None
    solved = (("employee", "employer") if solve_pay else ()) + (
        ("rollovers_in", "rollover", "cash_out", "hardship", "loan_default", "death", "retiree")
        if solve_out
        else ()
    )
    if not solved:
        dollars, a0, a1 = first_year(scenario, population, names, params)
        return _result(targets, params, dollars, a0, a1, 0, ())
    want = {name: getattr(targets, name) for name in solved}
    for iteration in range(1, MAX_ITERATIONS + 1):
        dollars, a0, a1 = first_year(scenario, population, names, params)
        average = 0.5 * (a0 + a1)
        rates = {name: dollars.get(name, 0.0) / average for name in solved}
        error = max(_relative_error(rates[n], want[n]) for n in solved)
        if error <= targets.tolerance:
            return _result(targets, params, dollars, a0, a1, iteration, solved)
        params = _update(params, rates, want, targets, solve_pay, solve_out)
    raise ValueError(
        f"flow calibration did not converge in {MAX_ITERATIONS} rounds (worst relative "
        f"error {error:.3g}); the targets {targets.label!r} may be inconsistent with the rules"
    )


def _relative_error(model: float, target: float) -> float:
    if target == 0.0:
        return abs(model)
    return abs(model / target - 1.0)


def _ratio(name: str, model: float, target: float, what: str) -> float:
    if target == 0.0:
        return 0.0
    if model <= 0.0:
        raise ValueError(
            f"the {name} target ({target:.4g} of assets) cannot be met: the rules give no "
            f"{what} to scale (no cell has any)"
        )
    return target / model


def _update(
    params: FlowParameters,
    rates: dict[str, float],
    want: dict[str, float],
    targets: FlowTargets,
    solve_pay: bool,
    solve_out: bool,
) -> FlowParameters:
    pay_scale, employer_scale = params.pay_scale, params.employer_scale
    if solve_pay:
        pay_scale *= _ratio("employee", rates["employee"], want["employee"], "deferrals")
        if not 1.0 / _MAX_PAY_SCALE <= pay_scale <= _MAX_PAY_SCALE:
            raise ValueError(
                f"the employee contributions target ({want['employee']:.4g} of assets) "
                f"cannot be met: it needs participants' pay {pay_scale:.3g} times the "
                f"population's, outside [{1 / _MAX_PAY_SCALE:g}, {_MAX_PAY_SCALE:g}]"
            )
        employer_scale *= _ratio("employer", rates["employer"], want["employer"], "match")
    if not solve_out:
        return dataclasses.replace(params, pay_scale=pay_scale, employer_scale=employer_scale)
    leak = params.leakage
    moved_model = rates["rollovers_in"] + rates["rollover"]
    moved_target = want["rollovers_in"] + want["rollover"]
    rollover = leak.rollover * _ratio(
        "rollovers_in + rollover", moved_model, moved_target, "separation rollovers"
    )
    to_new_plan = want["rollovers_in"] / moved_target if moved_target > 0 else 0.0
    cash_out = leak.cash_out * _ratio("cash_out", rates["cash_out"], want["cash_out"], "cash-outs")
    if rollover + cash_out > 1.0:
        raise ValueError(
            f"the separation targets cannot be met: rollovers in ({want['rollovers_in']:.4g}) "
            f"and rollovers to IRAs ({want['rollover']:.4g}) need {rollover:.3g} of a "
            f"leaver's assets rolled over and cash-outs ({want['cash_out']:.4g}) {cash_out:.3g} "
            "cashed out, more than all of it"
        )
    hardship = leak.hardship_share * _ratio(
        "hardship", rates["hardship"], want["hardship"], "hardship withdrawals"
    )
    loan = leak.loan_default_rate * _ratio(
        "loan_default", rates["loan_default"], want["loan_default"], "loans"
    )
    for name, value, what in (
        ("hardship", hardship, "of the balance withdrawn by those who take one"),
        ("loan_default", loan, "of outstanding loans defaulting a year"),
    ):
        if value > 1.0:
            raise ValueError(
                f"the {name} target ({want[name]:.4g} of assets) cannot be met: it needs "
                f"{value:.3g} {what}, above 1"
            )
    mortality = params.mortality_scale * _ratio("death", rates["death"], want["death"], "deaths")
    retiree = params.retiree_scale * _ratio(
        "retiree", rates["retiree"], want["retiree"], "retirees' withdrawals"
    )
    if retiree < 1e-6 and rates["retiree"] > want["retiree"]:
        raise ValueError(
            f"the retirees' outflows ({want['retiree']:.4g} of assets, the total outflows less "
            "the other causes) cannot be met: the RMDs the law requires alone exceed it"
        )
    if not 0.0 <= mortality < 1e3 or not 0.0 <= retiree < 1e3:
        raise ValueError(
            f"the death ({want['death']:.4g}) or retirees' ({want['retiree']:.4g}) outflow "
            "target cannot be met: it needs rates over 1000 times the documented rules"
        )
    leakage = leak.replace(
        rollover=rollover,
        cash_out=cash_out,
        left_in_plan=max(1.0 - rollover - cash_out, 0.0),
        to_new_plan=to_new_plan,
        hardship_share=hardship,
        loan_default_rate=loan,
    )
    return FlowParameters(pay_scale, employer_scale, leakage, retiree, mortality)


def _result(
    targets: FlowTargets | None,
    params: FlowParameters,
    dollars: dict[str, float],
    opening: float,
    closing: float,
    iterations: int,
    solved: tuple[str, ...],
) -> FlowCalibration:
    average = 0.5 * (opening + closing)
    rates = {
        name: (value / average if average > 0 else math.nan) for name, value in dollars.items()
    }
    return FlowCalibration(
        targets, params, rates, dict(dollars), opening, closing, iterations, solved
    )
