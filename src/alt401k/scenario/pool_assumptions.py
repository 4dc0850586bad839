"""Every number a :class:`~alt401k.scenario.pool.Scenario` puts in force, in words.

:func:`assumptions` is :meth:`Scenario.assumptions <alt401k.Scenario.assumptions>`
(bound as the method): the population, the asset and its return model,
adoption by segment, the channels, reversal, distributions, pay, and the
first-year flow calibration, each spelled out with its parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._calibrate import FlowCalibration
from ._common import DEFAULT_CELLS

if TYPE_CHECKING:
    from .pool import Scenario

__all__ = ["assumptions"]


def assumptions(scenario: Scenario) -> dict[str, str]:
    """Every number in force in ``scenario``, in words; see :meth:`Scenario.assumptions`."""
    rule: str = scenario.rebalancing.frequency
    if scenario.rebalancing.fraction < 1.0:
        rule += f" (a share {scenario.rebalancing.fraction:g} of holders each time)"
    population = (
        f"synthetic, {DEFAULT_CELLS:,} cells, "
        f"{scenario.resolved_population().n_participants / 1e6:.4g}M participants"
        if scenario.population is None
        else (
            f"{scenario.population.n_cells:,} cells, "
            f"{scenario.population.n_participants:,.0f} people"
        )
    )
    if scenario.entrants:
        population += "; entrants replace retirees"
    adoption = _describe(scenario.sponsor_adoption)
    if scenario.sponsor_adoption == "segments":
        adoption += ": " + "; ".join(
            f"{seg.name} {_spelled(seg.adoption)}, cap {seg.alt_cap:g}, "
            f"match {_spelled(seg.plan.match)}, fee ${seg.plan.recordkeeping_fee:g}"
            for seg in scenario.segments
        )
    calibration = scenario.calibration()
    out = {
        "population": population,
        "asset": scenario.asset,
        "return_model": _spelled(scenario.markets[scenario.asset]),
        "sponsor_adoption": adoption,
        "active_channel": (
            f"opt-in {_describe(scenario.opt_in_rate)}, "
            f"share {_describe(scenario.allocation_share)}, "
            f"rebalancing {rule}"
            if scenario.active_channel
            else "off"
        ),
        "default_channel": "off"
        if scenario.default_fund is None
        else _spelled(scenario.default_fund),
        "reversal": "none" if scenario.reversal is None else _spelled(scenario.reversal),
        "distributions": (
            "leakage of working cells (separations, hardship, loan defaults), retirees' "
            "withdrawals with RMDs, and deaths"
            if scenario.distribution_rate is None
            else f"{scenario.distribution_rate:.2%} a year"
        ),
        "pay": (
            ("age profile" if scenario.pay is not None else "each cell's salary growth")
            + (", on each scenario's price path" if scenario.pay_follows_prices else "")
        ),
        "flow_calibration": _describe_calibration(calibration),
        "pool_year_1": _describe_year_one(calibration),
    }
    return out


def _describe(value: Any) -> str:
    if isinstance(value, (int, float)):
        return f"{float(value):g}"
    if isinstance(value, str):
        return value
    return _spelled(value)


_UNSPELLED = frozenset({"kind", "source", "label", "name"})


def _spelled(value: Any) -> str:
    """A spec with every field written out, defaults included (``Reversal(hazard=0.05, ...)``)."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        fields = [name for name in type(value).model_fields if name not in _UNSPELLED]
        inner = ", ".join(f"{name}={_spelled(getattr(value, name))}" for name in fields)
        name = getattr(value, "name", None)
        prefix = f"{name}: " if isinstance(name, str) and name else ""
        return f"{prefix}{type(value).__name__}({inner})"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_spelled(v) for v in value) + ")"
    return repr(value)


def _money(dollars: float) -> str:
    sign = "-" if dollars < 0 else ""
    return f"{sign}${abs(dollars) / 1e9:,.0f}B"


def _describe_calibration(calibration: FlowCalibration) -> str:
    p = calibration.parameters.as_dict()
    solved = (
        f"solved to {calibration.targets.label} ({', '.join(calibration.solved)})"
        if calibration.targets is not None and calibration.solved
        else "none: the rules as given"
    )
    return (
        f"{solved}; pay x{p['pay_scale']:.4g}, employer money x{p['employer_scale']:.4g}, "
        f"leavers roll over {p['rollover']:.4g} of their assets ({p['to_new_plan']:.4g} of "
        f"that to a new plan), cash out {p['cash_out']:.4g}, leave {p['left_in_plan']:.4g}; "
        f"hardship withdrawals {p['hardship_share']:.4g} of the balance; loan defaults "
        f"{p['loan_default_rate']:.4g} of loans a year; retirees' rates x{p['retiree_scale']:.4g}; "
        f"mortality x{p['mortality_scale']:.4g}"
    )


def _describe_year_one(calibration: FlowCalibration) -> str:
    d, r = calibration.dollars, calibration.rates
    causes = ", ".join(
        f"{label} {_money(d.get(key, 0.0))}"
        for key, label in (
            ("rollover", "separations to IRAs"),
            ("rollovers_in", "to other plans"),
            ("cash_out", "cash-outs"),
            ("hardship", "hardship"),
            ("loan_default", "loan defaults"),
            ("death", "deaths"),
            ("retiree", "retirees"),
        )
    )
    return (
        f"contributions {_money(d['contributions'])} a year ({r['contributions']:.2%} of "
        f"average assets): employee pre-tax {_money(d['employee_pretax'])}, Roth "
        f"{_money(d['employee_roth'])}, employer {_money(d['employer'])}, rollovers in "
        f"{_money(d['rollovers_in'])}; outflows {_money(d['outflows'])} ({r['outflows']:.2%}): "
        f"{causes}; net new money {_money(d['net_new_money'])} ({r['net_new_money']:.2%}); "
        f"average assets {_money(calibration.average_assets)} (expected path)"
    )
