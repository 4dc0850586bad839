"""Errors a new user meets say what is wrong and how to fix it."""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

import alt401k as ak
from alt401k.execution import chunk_ranges


def saver(**changes: object) -> ak.Participant:
    fields: dict[str, object] = {"age": 35, "salary": 80_000.0, "deferral_rate": 0.06}
    return ak.Participant(**{**fields, **changes})


FLOAT_FIELDS = [
    "salary",
    "balance",
    "deferral_rate",
    "roth_fraction",
    "salary_growth",
    "roth_balance",
    "prior_year_wages",
    "service_years",
]


@pytest.mark.parametrize("field", FLOAT_FIELDS)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_participant_non_finite_number_says_finite(field, value):
    pattern = (
        rf"(?m)^{field}\n\s+Value error, {field} must be a finite number; got {float(value)!r}"
    )
    with pytest.raises(ValidationError, match=pattern):
        saver(**{field: value})


def test_nan_salary_no_longer_reports_the_upper_bound():
    with pytest.raises(ValidationError) as info:
        saver(salary=math.nan)
    assert "less than or equal" not in str(info.value)
    assert "must be a finite number" in str(info.value)


@pytest.mark.parametrize(
    ("field", "value", "fix"),
    [
        ("deferral_rate", 6, "use 0.06 for 6%"),
        ("deferral_rate", 10.0, "use 0.1 for 10%"),
        ("roth_fraction", 25, "use 0.25 for 25%"),
        ("roth_fraction", 100, "use 1 for 100%"),
        ("salary_growth", 3.5, "use 0.035 for 3.5%"),
    ],
)
def test_percent_where_a_fraction_belongs(field, value, fix):
    pattern = (
        rf"{field} is a fraction; got {value:g}, which looks like a percentage: {re.escape(fix)}"
    )
    with pytest.raises(ValidationError, match=pattern):
        saver(**{field: value})


@pytest.mark.parametrize(("field", "value"), [("deferral_rate", 150), ("roth_fraction", 1e4)])
def test_beyond_a_percentage_is_a_plain_bound_error(field, value):
    with pytest.raises(ValidationError, match=r"Input should be less than or equal to 1 "):
        saver(**{field: value})


@pytest.mark.parametrize(("field", "value"), [("deferral_rate", 1.0), ("roth_fraction", 1)])
def test_a_fraction_of_one_is_still_allowed(field, value):
    assert getattr(saver(**{field: value}), field) == 1.0


def test_finite_fields_still_accept_numbers_and_none():
    p = saver(prior_year_wages=None, service_years=None, salary=np.float64(90_000.0))
    assert p.salary == 90_000.0


PORTFOLIO = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})


def test_portfolio_where_the_plan_belongs_names_both_types():
    pattern = r"^plan must be a PlanDesign; got a Portfolio \(a Portfolio goes in portfolio=\)$"
    with pytest.raises(TypeError, match=pattern):
        ak.simulate_participant(saver(), PORTFOLIO, n_scenarios=1, rng=0)


def test_plan_where_the_portfolio_belongs_names_both_types():
    pattern = r"^portfolio must be a Portfolio; got a PlanDesign \(a PlanDesign goes in plan=\)$"
    with pytest.raises(TypeError, match=pattern):
        ak.simulate_participant(saver(), portfolio=ak.PlanDesign(), n_scenarios=1, rng=0)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"markets": {"us_equity": 1.0}}, r"^markets must be a MarketModel; got a dict$"),
        ({"retirement": 95}, r"^retirement must be a Retirement; got an int$"),
        ({"leakage": 0.05}, r"^leakage must be a Leakage; got a float$"),
        ({"pay": "flat"}, r"^pay must be a PayPath; got a str$"),
    ],
)
def test_wrong_type_keyword_arguments(kwargs, pattern):
    with pytest.raises(TypeError, match=pattern):
        ak.simulate_participant(saver(), n_scenarios=1, rng=0, **kwargs)


def test_participant_must_be_a_participant():
    with pytest.raises(TypeError, match=r"^participant must be a Participant; got a dict$"):
        ak.simulate_participant({"age": 35}, n_scenarios=1, rng=0)


def test_unknown_portfolio_asset_lists_the_names_before_any_work(monkeypatch):
    markets = ak.default_markets().subset(["us_equity", "us_bonds", "bitcoin"])
    portfolio = PORTFOLIO.replace(alt_sleeve={"dogecoin": 0.02})

    def fail(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("work started before the portfolio was checked")

    import alt401k.scenario.participant as module
    import alt401k.scenario.participant_run as run_module

    monkeypatch.setattr(module, "annual_contributions", fail)
    monkeypatch.setattr(run_module, "simulate", fail)
    pattern = (
        r"portfolio asset 'dogecoin' is not in the market model; "
        r"available: us_equity, us_bonds, bitcoin$"
    )
    with pytest.raises(ValueError, match=pattern):
        ak.simulate_participant(saver(), None, portfolio, markets=markets, n_scenarios=10, rng=0)


@pytest.mark.parametrize(("chunk_size", "rounded"), [(1, 1_000), (7, 1_000), (999, 1_000),
                                                    (2_500, 3_000), (4_000, 4_000)])  # fmt: skip
def test_odd_chunk_size_is_rounded_up_to_whole_seed_blocks(chunk_size, rounded, recwarn):
    # chunk_size=1 used to draw 1,000 scenarios per scenario kept: now whole blocks.
    chunks = chunk_ranges(5_000, chunk_size)
    assert chunks[0] == (0, rounded)
    assert sum(stop - start for start, stop in chunks) == 5_000
    assert not [w for w in recwarn if issubclass(w.category, ak.Alt401kWarning)]


def test_chunk_size_docstring_explains_the_cost():
    doc = chunk_ranges.__doc__ or ""
    assert "seed blocks" in doc and "1,000" in doc and "100x slower" in doc


# -- non-finite numbers and impossible percentages (issue 18, item 5) -----------------------


@pytest.mark.parametrize(
    ("build", "expect"),
    [
        (lambda: ak.Scenario(pool_assets=float("nan")), "pool_assets must be a finite number"),
        (lambda: ak.Scenario(pool_assets=float("inf")), "pool_assets must be a finite number"),
        (
            lambda: ak.MatchFormula(tiers=[(float("nan"), 0.03)]),
            r"tiers\[0\]\[0\] must be a finite number; got nan",
        ),
        (
            lambda: ak.Participant(age=30, salary=float("nan"), deferral_rate=0.05),
            "salary must be a finite number",
        ),
    ],
)
def test_non_finite_said_first(build: Any, expect: str) -> None:
    with pytest.raises(ValueError, match=expect) as info:
        build()
    assert "less than or equal" not in str(info.value)


def test_open_bounds_keep_inf() -> None:
    assert ak.Normal(mean=0.01, sd=0.01, high=float("inf")).high == float("inf")


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        ({"markets__bitcoin__volatility": 50.0}, r"volatility=50.0 is 5000% a year.*write 0.5"),
        ({"markets__bitcoin__expected_return": 15.0}, r"expected_return=15.0 is 1500% a year"),
    ],
)
def test_impossible_percentage_stops_with_its_own_error(
    change: dict[str, float], expect: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning first, then a correlation-matrix error
        with pytest.raises(ValueError, match=expect) as info:
            ak.Scenario().replace(**change)
    assert "semi-definite" not in str(info.value)
