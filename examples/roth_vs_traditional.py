"""Roth or traditional 401(k) deferrals, and a 401(k) or a taxable account, for one saver.

Run:  python examples/roth_vs_traditional.py [--n-scenarios 2000] [--seed 1]
"""

from __future__ import annotations

import argparse

import pandas as pd

import alt401k as ak
from alt401k.comparisons import roth_vs_traditional, tax_deferred_vs_taxable

SAVER = ak.Participant(age=35, salary=90_000, deferral_rate=0.10, retirement_age=65)
PLAN = ak.PlanDesign()  # modal match: 50% of the first 6% of pay
CORE = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})
RETIREMENT = ak.Retirement(rule="fixed_real", rate=0.04, social_security=28_000, end_age=95)


def roth_table(n_scenarios: int, seed: int) -> tuple[pd.DataFrame, dict]:
    """After-tax income and wealth, traditional vs Roth, the tax saving invested or spent."""
    markets = ak.default_markets().subset(["us_equity", "us_bonds"])
    rows, attrs = {}, {}
    for invest in (True, False):
        cmp = roth_vs_traditional(
            SAVER,
            PLAN,
            CORE,
            retirement=RETIREMENT,
            markets=markets,
            n_scenarios=n_scenarios,
            rng=seed,  # same seed, same markets: every run sees the same paths
            invest_tax_savings=invest,
        )
        summary = cmp.summary()
        attrs = summary.attrs
        label = "saving invested" if invest else "saving spent"
        for account in ("traditional", "roth", "roth_minus_traditional"):
            income = summary.loc[("mean_income", account)]
            wealth = summary.loc[("after_tax_terminal_wealth", account)]
            value = summary.loc[("present_value", account)]
            rows[(label, account)] = {
                "pv_mean": value["mean"],
                "pv_p05": value["p05"],
                "pv_p50": value["p50"],
                "pv_p95": value["p95"],
                "income_p05": income["p05"],
                "income_p50": income["p50"],
                "income_p95": income["p95"],
                "wealth_p05": wealth["p05"],
                "wealth_p50": wealth["p50"],
                "wealth_p95": wealth["p95"],
                "prob_ran_out": summary.loc[("ran_out", account), "mean"],
            }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.names = ["tax saving", "saver"]
    return table, attrs


def deferral_table(n_scenarios: int, seed: int) -> pd.DataFrame:
    """The plan (with and without match) vs a taxable account, at retirement."""
    markets = ak.default_markets().subset(["us_equity", "us_bonds"])
    return tax_deferred_vs_taxable(
        SAVER,
        PLAN,
        CORE,
        retirement=RETIREMENT,
        markets=markets,
        n_scenarios=n_scenarios,
        rng=seed,
    )


def _dollars(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    shown = frame.copy().astype(object)
    for column in columns:
        shown[column] = frame[column].map(lambda v: f"-${-v:,.0f}" if v < 0 else f"${v:,.0f}")
    return shown


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,  # shows each default
    )
    parser.add_argument(
        "--n-scenarios",
        type=int,
        default=2_000,
        help="market paths (Monte Carlo scenarios) per run",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed: the same seed gives the same numbers"
    )
    args = parser.parse_args(argv)

    table, attrs = roth_table(args.n_scenarios, args.seed)
    print("Saver aged 35, $90k pay (+3.5%/yr), deferring 10% of pay; match 50% of the first 6%;")
    print("60/40 US equity/bonds; retires at 65; Social Security $28,000/yr (start-year dollars)")
    print(f"from 67; fixed-real 4% rule to 95; single filer ({args.n_scenarios:,} paths).")
    print()
    print("Traditional vs Roth, same deferral rate and same take-home pay:")
    print(
        "- tax a pre-tax deferral saves: tax(pay) - tax(pay - deferral) each year, "
        f"{attrs['deferral_tax_rate']:.1%} of the"
    )
    print("  deferrals on average (federal schedule indexed with the simulated prices)")
    rates = attrs["taxable_account"]
    print(
        "- the traditional saver's tax saving is invested with each paycheck in a taxable\n"
        f"  account (dividend yield {rates['dividend_yield']:.0%} taxed at "
        f"{rates['dividend_tax_rate']:.0%}, turnover {rates['turnover']:.0%}, gains taxed at "
        f"{rates['capital_gains_rate']:.0%})\n  or spent;"
        " invested, its after-tax value at 95 counts in wealth, not in income"
    )
    print("- the match is pre-tax in both; RMDs (from 75) apply to pre-tax money only, so")
    print("  in good paths they force the traditional saver to withdraw more than 4% real:")
    print("  more income, less wealth left at 95")
    print("- pv: the like-for-like figure, present value at retirement of after-tax income")
    print("  plus after-tax wealth at 95, discounted at each path's own portfolio return;")
    print("  withdrawing earlier or later does not change it, only tax does (start-year $)")
    print("- income: after-tax income from the plan, mean over ages 65-95, start-year $/yr;")
    print("  wealth: after-tax wealth at 95 (pre-tax money net of income tax), start-year $")
    pv = ["pv_mean", "pv_p05", "pv_p50", "pv_p95"]
    print()
    print("Like for like (present value at retirement, start-year $):")
    print(_dollars(table[pv], pv).to_string())
    print()
    print("Income, wealth and running out:")
    money = [c for c in table.columns if c.startswith(("income", "wealth"))]
    shown = _dollars(table[[*money, "prob_ran_out"]], money)
    shown["prob_ran_out"] = table["prob_ran_out"].map("{:.1%}".format)
    print(shown.to_string())
    print()

    deferral = deferral_table(args.n_scenarios, args.seed)
    print("401(k) vs a taxable account, at retirement (start-year dollars):")
    print("- '401k': the plan with the match; '401k_own': the same plan without match;")
    print("  'taxable': the saver's own deferrals after the tax they would have saved, in a")
    print("  taxable account on the same paths (no match outside the plan)")
    print("- after tax: the plan's pre-tax balance net of the average income tax rate its")
    print("  withdrawals pay in this retirement; the taxable account net of tax on its gains")
    money = deferral.drop(index="withdrawal_tax_rate", level="metric")
    shown = _dollars(money, list(money.columns))
    print(shown.to_string())
    rate = deferral.xs("withdrawal_tax_rate", level="metric")
    print("Average tax rate of the plan's pre-tax withdrawals (mean, p05-p95):")
    for account, row in rate.iterrows():
        print(f"  {account}: {row['mean']:.1%} ({row['p05']:.1%}-{row['p95']:.1%})")


if __name__ == "__main__":
    main()
