"""The saver page: one participant with and without a sleeve, on the same market paths.

Both runs share the seed and the market model, so each path's difference is
the sleeve's effect, not noise (common random numbers); the page shows the
paired effect on after-tax retirement income and on the chance of running
out, and fan charts of income and balance by age. :func:`run_saver` needs no
Streamlit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..execution import default_workers
from ..markets import PRESETS, default_markets
from ..plan import PlanDesign
from ..population import Participant
from ..portfolio import Portfolio
from ..retirement import Retirement
from ..scenario import simulate_participant
from ._common import (
    CHUNK,
    ChunkProgress,
    ResultCache,
    backend,
    describe_error,
    dollars,
    n_chunks,
)

__all__ = ["SaverInputs", "SaverRun", "render", "run_saver"]

_PREFIX = "saver."
_CACHE = ResultCache()
SLEEVE_ASSETS = ("bitcoin", "ether", "private_equity", "private_credit", "real_estate", "gold")
RULES = ("fixed_real", "fixed_share", "rmd_only", "target_income")
_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class SaverInputs:
    """Everything a saver run depends on (hashable: the cache key)."""

    participant: Participant
    plan: PlanDesign
    portfolio: Portfolio
    retirement: Retirement
    preset: str
    n_scenarios: int
    seed: int


@dataclass(frozen=True)
class SaverRun:
    """What the saver page shows.

    Attributes
    ----------
    summary : DataFrame
        :meth:`ParticipantResults.retirement_summary` with the run without the
        sleeve as baseline: rows per metric and ``<metric>_vs_baseline``;
        start-year dollars (``ran_out``: the mean is the probability).
    income_fan, balance_fan : DataFrame
        Long tables ``age``, ``portfolio`` (with / without the sleeve),
        ``p05`` ... ``p95``: after-tax income from the plan in each
        retirement year, and the balance at each year end, start-year dollars.
    """

    inputs: SaverInputs
    backend: Literal["numpy", "numba"]
    seconds: float
    summary: pd.DataFrame
    income_fan: pd.DataFrame
    balance_fan: pd.DataFrame

    def to_csv(self) -> str:
        header = (
            f"# alt401k saver run: {self.inputs.n_scenarios} scenarios, seed {self.inputs.seed}; "
            "start-year (real) dollars; ran_out: mean = probability\n"
        )
        return header + self.summary.to_csv()


def _fan(values: np.ndarray, ages: np.ndarray, label: str) -> pd.DataFrame:
    rows = np.quantile(values, _QUANTILES, axis=0)
    frame = pd.DataFrame(
        {f"p{round(q * 100):02d}": row for q, row in zip(_QUANTILES, rows, strict=True)}
    )
    frame.insert(0, "portfolio", label)
    frame.insert(0, "age", ages)
    return frame


def run_saver(
    inputs: SaverInputs,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    n_workers: int | None = None,
) -> SaverRun:
    """Simulate the saver with and without the sleeve on the same paths (cached)."""
    cached = _CACHE.get(inputs)
    if cached is not None:
        return cached
    per_run = n_chunks(inputs.n_scenarios)
    workers = default_workers() if n_workers is None else n_workers
    total = 2 * per_run
    markets = default_markets(inputs.preset)
    engine = backend()
    started = time.perf_counter()
    results = []
    for i, portfolio in enumerate((inputs.portfolio, inputs.portfolio.without_sleeve())):
        offset = i * per_run

        def report(done: int, offset: int = offset) -> None:
            if on_progress is not None:
                on_progress(offset + done, total)

        executor = ChunkProgress(min(workers, per_run), report)
        try:
            results.append(
                simulate_participant(
                    inputs.participant,
                    inputs.plan,
                    portfolio,
                    markets=markets,
                    n_scenarios=inputs.n_scenarios,
                    rng=inputs.seed,
                    chunk_size=CHUNK,
                    retirement=inputs.retirement,
                    executor=executor,
                    n_workers=workers,
                    keep_paths=True,
                    backend=engine,
                )
            )
        finally:
            executor.shutdown()
    if on_progress is not None:
        on_progress(total, total)
    seconds = time.perf_counter() - started
    with_sleeve, without = results
    summary = with_sleeve.retirement_summary(baseline=without)
    ages = inputs.participant.age + np.arange(with_sleeve.balance_end.shape[1])
    first = with_sleeve.retirement_year_index
    income, balance = [], []
    for label, res in (("with the sleeve", with_sleeve), ("without", without)):
        paths = res.retirement_paths
        assert paths is not None  # a retirement phase was asked for
        real_income = paths.after_tax_income / res.price_at_start
        income.append(_fan(real_income[:, first:], ages[first:], label))
        balance.append(_fan(res.balance_end / res.price_level, ages, label))
    run = SaverRun(
        inputs=inputs,
        backend=engine,
        seconds=seconds,
        summary=summary,
        income_fan=pd.concat(income, ignore_index=True),
        balance_fan=pd.concat(balance, ignore_index=True),
    )
    _CACHE.put(inputs, run)
    return run


def _fan_chart(alt: Any, frame: pd.DataFrame, *, title: str, y_title: str) -> Any:
    ages = [int(frame["age"].min()), int(frame["age"].max())]
    base = alt.Chart(frame).encode(
        x=alt.X("age:Q", title="age", scale=alt.Scale(domain=ages, nice=False)),
        color=alt.Color(
            "portfolio:N",
            title=None,
            scale=alt.Scale(domain=["with the sleeve", "without"], range=["#d95f02", "#1f78b4"]),
        ),
    )
    outer = base.mark_area(opacity=0.15).encode(y=alt.Y("p05:Q", title=y_title), y2="p95:Q")
    inner = base.mark_area(opacity=0.3).encode(y="p25:Q", y2="p75:Q")
    median = base.mark_line().encode(y="p50:Q", tooltip=list(frame.columns))
    return alt.layer(outer, inner, median).properties(title=title, height=320)


def _inputs(st: Any, n_default: int, seed_default: int) -> SaverInputs:
    """Draw the saver's widgets; return the validated inputs (raises ValueError)."""
    st.markdown("**The saver**")
    c1, c2 = st.columns(2)
    age = int(c1.number_input("Age", 18, 80, 35, 1, key=f"{_PREFIX}age"))
    retirement_age = int(c2.number_input(
        "Retirement age", 18, 90, 65, 1, key=f"{_PREFIX}retirement_age"
    ))
    salary = st.number_input(
        "Pay, $ a year", 0.0, 5e6, 80_000.0, 5_000.0, format="%.0f", key=f"{_PREFIX}salary"
    )
    balance = st.number_input(
        "Balance today, $", 0.0, 1e8, 50_000.0, 5_000.0, format="%.0f", key=f"{_PREFIX}balance"
    )
    c1, c2 = st.columns(2)
    deferral = c1.number_input(
        "Deferral, share of pay", 0.0, 1.0, 0.06, 0.01, format="%.3f", key=f"{_PREFIX}deferral"
    )
    roth = c2.number_input(
        "Roth share of deferrals", 0.0, 1.0, 0.25, 0.05, format="%.2f", key=f"{_PREFIX}roth"
    )
    plans = list(PlanDesign.preset_names())
    plan_name = st.selectbox("Plan preset", plans, index=plans.index("modal"),
                             key=f"{_PREFIX}plan")
    st.markdown("**Portfolio**")
    equity = st.slider("Core: US equity share (the rest US bonds)", 0.0, 1.0, 0.6, 0.05,
                       key=f"{_PREFIX}equity")
    c1, c2 = st.columns(2)
    asset = c1.selectbox("Sleeve asset", SLEEVE_ASSETS, key=f"{_PREFIX}sleeve_asset")
    sleeve = c2.number_input(
        "Sleeve, share of the portfolio", 0.0, 1.0, 0.02, 0.01, format="%.3f",
        key=f"{_PREFIX}sleeve",
    )
    presets = [p for p in PRESETS if p != "base"]
    preset = st.selectbox("Return model", presets, key=f"{_PREFIX}markets")
    st.markdown("**Retirement**")
    rule = st.selectbox("Withdrawal rule", RULES, key=f"{_PREFIX}rule",
                        help="fixed_real: the 4% rule, inflation-adjusted; fixed_share: a share "
                        "of each year's balance; rmd_only: required minimum distributions; "
                        "target_income: a fixed real income.")
    c1, c2 = st.columns(2)
    rate = c1.number_input("Withdrawal rate", 0.0, 1.0, 0.04, 0.005, format="%.3f",
                           key=f"{_PREFIX}rate")
    end_age = int(c2.number_input("End age", 19, 120, 95, 1, key=f"{_PREFIX}end_age"))
    target = None
    if rule == "target_income":
        target = st.number_input("Target income, start-year $ a year", 0.0, 1e7, 40_000.0,
                                 1_000.0, format="%.0f", key=f"{_PREFIX}target")
    social_security = st.number_input(
        "Social Security, start-year $ a year", 0.0, 1e6, 28_000.0, 1_000.0, format="%.0f",
        key=f"{_PREFIX}social_security",
    )
    filing = st.selectbox("Filing status", ("single", "married_joint", "head_of_household"),
                          key=f"{_PREFIX}filing")
    c1, c2 = st.columns(2)
    n = int(c1.number_input("Scenarios", 100, 20_000, n_default, 500, key=f"{_PREFIX}n"))
    seed = int(c2.number_input("Seed", 0, 2**32 - 1, seed_default, 1, key=f"{_PREFIX}seed"))
    participant = Participant(
        age=age, salary=salary, balance=balance, deferral_rate=deferral, roth_fraction=roth,
        retirement_age=retirement_age,
    )
    portfolio = Portfolio(
        weights={"us_equity": equity, "us_bonds": 1.0 - equity}
        if 0.0 < equity < 1.0 else {"us_equity" if equity >= 1.0 else "us_bonds": 1.0},
        alt_sleeve={asset: sleeve},
    )
    retirement = Retirement(
        end_age=end_age, rule=rule, rate=rate, target_income=target, filing_status=filing,
        social_security=social_security,
    )
    return SaverInputs(participant, PlanDesign.preset(plan_name), portfolio, retirement,
                       preset, n, seed)


def _show(st: Any, run: SaverRun) -> None:
    import altair as alt

    inputs = run.inputs
    # metric -> statistic -> value (plain floats: start-year $; ran_out's mean a probability)
    s: dict[str, dict[str, float]] = {
        str(metric): {str(k): float(v) for k, v in row.items()}
        for metric, row in run.summary.to_dict(orient="index").items()
    }
    sample = f"{inputs.n_scenarios:,} scenarios, seed {inputs.seed}"
    asset, share = next(iter(inputs.portfolio.alt_sleeve.items()))
    se_ran_out = float(np.sqrt(max(s["ran_out"]["mean"] * (1 - s["ran_out"]["mean"]), 0)
                               / inputs.n_scenarios))
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Mean after-tax income from the plan, start-year $ a year",
        dollars(s["mean_income"]["mean"]),
        delta=f"{dollars(s['mean_income_vs_baseline']['mean'])} vs no sleeve",
        help=f"Mean over {sample} of each path's average after-tax income in retirement; "
        "the delta is the mean of the paired differences (same paths).",
    )
    c2.metric(
        f"Chance of running out before {inputs.retirement.end_age}, %",
        f"{s['ran_out']['mean']:.1%}",
        delta=f"{s['ran_out_vs_baseline']['mean'] * 100:+.1f} points vs no sleeve",
        delta_color="inverse",
        help=f"Share of the {sample} where a desired withdrawal went unpaid; "
        f"standard error {se_ran_out:.1%}.",
    )
    c3.metric(
        "Median after-tax wealth left at the end age, start-year $",
        dollars(s["after_tax_terminal_wealth"]["p50"]),
        delta=f"{dollars(s['after_tax_terminal_wealth_vs_baseline']['p50'])} median "
        "paired change",
    )
    paired = s["mean_income_vs_baseline"]
    st.markdown(
        f"A {share:.1%} {asset} sleeve changes mean after-tax income by "
        f"**{dollars(paired['mean'])} a year** (start-year $; paired over the same paths; "
        f"90% of paths between {dollars(paired['p05'])} and {dollars(paired['p95'])}), and the "
        f"chance of running out by **{s['ran_out_vs_baseline']['mean'] * 100:+.1f} "
        f"points**. {sample}; {run.seconds:.1f} s ({run.backend})."
    )
    st.altair_chart(_fan_chart(
        alt, run.income_fan,
        title=f"After-tax income from the plan by age, start-year $: median, 50% and 90% "
        f"bands; {sample}",
        y_title="start-year $ a year",
    ), width="stretch")
    st.altair_chart(_fan_chart(
        alt, run.balance_fan,
        title=f"Balance by age, start-year $: median, 50% and 90% bands; {sample}",
        y_title="start-year $",
    ), width="stretch")
    with st.expander(f"Retirement summary and the paired effect (start-year $; {sample})"):
        st.dataframe(run.summary.style.format("{:,.3f}"))
    st.download_button("Download the summary (CSV)", run.to_csv(), file_name="saver_summary.csv",
                       mime="text/csv", key="saver.download.csv")
    st.session_state["saver.csv"] = run.to_csv()


def render(st: Any, *, n_default: int = 2_000, seed_default: int = 1) -> None:
    """Draw the saver page."""
    st.header("The saver: what a sleeve does to retirement, after tax")
    try:
        with st.sidebar:
            inputs = _inputs(st, n_default, seed_default)
    except ValueError as err:  # pydantic's ValidationError included
        st.error(f"This combination is not valid: {describe_error(err)}")
        return
    n = inputs.n_scenarios
    bar = st.progress(0.0, text=f"Simulating {n:,} scenarios twice (with and without the "
                      f"sleeve), seed {inputs.seed}...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Simulating the saver: {done} of {total} blocks of "
                     f"up to {CHUNK:,} scenarios done")

    try:
        run = run_saver(inputs, on_progress=progress)
    except (ValueError, ImportError) as err:
        bar.empty()
        st.error(f"This combination cannot run: {describe_error(err)}")
        return
    bar.empty()
    _show(st, run)
