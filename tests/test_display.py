"""Displays: dollars, short reprs and HTML tables of results, markets and specs."""

import pandas as pd
import pytest

import alt401k as ak
from alt401k.display import (
    describe_market,
    describe_participant,
    describe_pool,
    describe_spec,
    format_money,
    html_market,
    html_participant,
    html_pool,
    money,
)


@pytest.fixture(scope="module")
def pool() -> ak.PoolResults:
    return ak.Scenario(allocation_share=0.02, horizon_years=5).run(50, rng=1)


@pytest.fixture(scope="module")
def saver() -> ak.ParticipantResults:
    person = ak.Participant(
        age=60, salary=80_000, balance=100_000, deferral_rate=0.06, retirement_age=62
    )
    return ak.simulate_participant(
        person, n_scenarios=50, rng=1, retirement=ak.Retirement(end_age=70)
    )


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (125e9, None, "$125.0B"),
        (1_238_462, "", "$1,238,462"),
        (1_238_462, None, "$1.2M"),
        (-3.4e6, None, "-$3.4M"),
        (-1_500, None, "-$1,500"),
        (999.6, None, "$1,000"),
        (2.5e12, "T", "$2.5T"),
        (2_500, "K", "$2.5K"),
        (-0.2, None, "$0"),
        (0.0, None, "$0"),
        (float("nan"), None, "n/a"),
    ],
)
def test_money(value: float, unit: str | None, expected: str) -> None:
    assert money(value, unit=unit) == expected


def test_money_rejects_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unit must be one of"):
        money(1.0, unit="k")


def test_format_money_copies_and_formats() -> None:
    frame = pd.DataFrame({"a": [125e9, -3.4e6], "label": ["x", "y"]})
    out = format_money(frame)
    assert out["a"].tolist() == ["$125.0B", "-$3.4M"]
    assert out["label"].tolist() == ["x", "y"]
    assert frame["a"].dtype == float  # the original is untouched
    assert format_money(frame, ["a"], unit="B")["a"].tolist() == [
        "$125.0B",
        "$0.0B",
    ]  # -3.4M rounds to zero: no minus
    with pytest.raises(ValueError, match="columns not in the frame"):
        format_money(frame, ["b"])


def test_describe_pool(pool: ak.PoolResults) -> None:
    text = describe_pool(pool)
    assert len(text) < 600
    for needle in ("bitcoin", "share 0.02", "rebalancing never", "5 years", "50, seed 1"):
        assert needle in text
    assert money(pool.headline_reallocation) in text  # $250.0B
    assert "median" in text and "mean" in text


def test_describe_pool_long_seed_and_uncertain_inputs() -> None:
    result = ak.Scenario(
        allocation_share=ak.Uniform(0.0, 0.05), sponsor_adoption=ak.Fixed(ak.Uniform(0.5, 1.0))
    ).run(20)
    text = describe_pool(result)
    assert len(text) < 600
    assert str(result.seed.entropy) in text
    assert "Uniform(low=0, high=0.05)" in text
    assert "allocation_share" in text


def test_describe_participant(saver: ak.ParticipantResults) -> None:
    text = describe_participant(saver)
    assert len(text) < 600
    for needle in ("age 60", "retires 62", "$80,000", "50, seed 1", "p05 / p95", "income"):
        assert needle in text


def test_html(pool: ak.PoolResults, saver: ak.ParticipantResults) -> None:
    for page in (html_pool(pool), html_participant(saver), html_market(ak.default_markets())):
        assert "<table" in page and "</table>" in page
    assert "bitcoin" in html_pool(pool)


def test_describe_market_one_line_per_asset() -> None:
    markets = ak.default_markets()
    lines = describe_market(markets).splitlines()
    assert len(lines) == markets.n_assets + 3  # title, header, assets, inflation
    for name, line in zip(markets.names, lines[2:-1], strict=True):
        assert line.split()[0] == name
    assert lines[-1].startswith("inflation: mean 2.5%")
    assert "15.0%" in next(line for line in lines if line.split()[0] == "bitcoin")


def test_describe_spec_shows_key_knobs_and_changed_fields() -> None:
    text = describe_spec(ak.Scenario(allocation_share=0.02, horizon_years=5))
    assert "allocation_share=0.02" in text and "horizon_years=5" in text
    # The headline knobs are the defaults and still shown; other defaults are not.
    assert "sponsor_adoption=1" in describe_spec(ak.Scenario())
    assert "rebalancing" not in describe_spec(ak.Scenario())
    assert describe_spec(ak.Scenario(rebalancing="annual")).count("rebalancing") == 1
    assert describe_spec(ak.Fixed(ak.Uniform(0.5, 1.0))) == "Fixed(rate=Uniform(low=0.5, high=1))"


def test_describe_spec_truncates() -> None:
    text = describe_spec(ak.default_markets())
    assert len(text) <= 300
    assert text.startswith("MarketModel(") and text.endswith("…)")


# -- tables for people (issue 18, item 1) ----------------------------------------


def test_table_units_per_column_numbers_unchanged(pool: ak.PoolResults) -> None:
    summary = pool.summary()
    shown = ak.display.table(summary)
    assert shown.frame is summary  # the numbers are not touched
    text = shown.formatted()
    # One scale per column: the headline $125B reallocation and its zeros.
    assert text["reallocation_mean"].iloc[0].endswith("B")
    assert text["reallocation_mean"].iloc[1] == "$0"
    # Negative money is written one way: the sign before the dollar sign.
    negatives = [v for v in text["distributions_mean"] if v.startswith("-")]
    assert negatives and all(v.startswith("-$") for v in negatives)
    assert "e+" not in shown.to_string()
    assert "<table" in shown._repr_html_()


def test_table_metric_rows_and_probabilities(saver: ak.ParticipantResults) -> None:
    text = ak.display.table(saver.summary()).formatted()
    assert text.loc["terminal_balance", "p50"].startswith("$")
    assert text.loc["terminal_balance", "prob_below_paid_in"].endswith("%")
    retire = saver.retirement_summary()
    shown = ak.display.table(retire).formatted()
    assert shown.loc["replacement_ratio", "mean"].endswith("%")
    assert shown.loc["ran_out", "mean"].endswith("%")
    assert shown.loc["balance_at_retirement", "mean"].startswith("$")


def test_table_ledger_years_ages_and_shares(saver: ak.ParticipantResults) -> None:
    ledger = saver.ledger()
    text = ak.display.table(ledger).formatted()
    assert text["year"].iloc[0] == str(int(ledger["year"].iloc[0]))
    assert text["age"].iloc[0] == "60"
    assert text["vested_share"].iloc[0].endswith("%")
    assert text["salary"].iloc[0] == "$80.0K"


def test_table_style_formats_the_numbers(saver: ak.ParticipantResults) -> None:
    pytest.importorskip("jinja2")
    shown = ak.display.table(saver.retirement_summary())
    html = shown.style.to_html()
    assert shown.formatted().loc["replacement_ratio", "mean"] in html


@pytest.mark.parametrize(
    ("name", "unit"),
    [("net_flow_p05", "money"), ("replacement_ratio", "percent"), ("age", "plain")],
)
def test_column_unit(name: str, unit: str) -> None:
    assert ak.display.column_unit(name) == unit


# -- displays that tell results apart (issue 18, item 6) ------------------------------


def test_participant_display_shows_the_sleeve() -> None:
    saver = ak.Participant(age=60, salary=80_000, deferral_rate=0.06, retirement_age=62)
    core = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})
    sleeve = core.replace(alt_sleeve={"bitcoin": 0.02})
    with_sleeve = ak.simulate_participant(saver, portfolio=sleeve, n_scenarios=20, rng=1)
    without = ak.simulate_participant(saver, portfolio=core, n_scenarios=20, rng=1)
    assert "bitcoin 0.02" in repr(with_sleeve)
    assert "bitcoin 0.02" in with_sleeve._repr_html_()
    assert "alternative sleeve  none" in repr(without) or "sleeve" in repr(without)
    assert repr(with_sleeve) != repr(without)


@pytest.mark.parametrize(
    ("spec", "shown"),
    [
        (ak.Scenario(), ("sponsor_adoption=1", "opt_in_rate=1", "allocation_share=0.01")),
        (ak.Participant(age=30, salary=50_000, deferral_rate=0.05), ("retirement_age=65",)),
        (ak.PlanDesign(), ("match=MatchFormula(",)),
        (ak.Portfolio(weights={"us_equity": 1.0}), ("alt_sleeve={}",)),
        (ak.Retirement(), ("rule='fixed_real'", "rate=0.04")),
    ],
)
def test_every_spec_shows_its_knobs_at_defaults(spec: object, shown: tuple[str, ...]) -> None:
    text = repr(spec)
    for part in shown:
        assert part in text
    html = spec._repr_html_()  # type: ignore[attr-defined]
    assert html.startswith("<table") and type(spec).__name__ in html


def test_population_and_segment_html() -> None:
    population = ak.Population.synthetic(n_cells=300, rng=1)
    assert "total assets" in population._repr_html_()
    segment = ak.Scenario().segments[0]
    assert "alt_cap" in segment._repr_html_()


def test_values_never_cut_mid_word() -> None:
    from alt401k.display.objects import _short

    text = _short("alpha_beta, gamma_delta, epsilon_zeta, eta_theta", 30)
    assert text.endswith("…")
    kept = text.removesuffix("…")
    assert all(word in "alpha_beta, gamma_delta, epsilon_zeta" for word in kept.split(", "))
    long = ak.Scenario(sponsor_adoption="segments", opt_in_rate=ak.crypto_opt_in_curve())
    shown = describe_spec(long, limit=120)
    assert len(shown) <= 120 and shown.endswith(", …)")
