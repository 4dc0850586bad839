"""Write the API reference pages (``docs/api/*.md``) from ``alt401k.__all__``.

Every public name of the flat namespace belongs to exactly one area below; each
area is one page holding a ``::: alt401k.<name>`` directive per name, which
mkdocstrings renders from the numpydoc docstrings. The directives name the flat
namespace (``alt401k.Scenario``), not the defining module, so the pages survive
moving code between modules. A name added to ``__all__`` and to no area makes
this script (and ``tests/test_docs.py``) fail.

Run from the repository root after changing ``__all__`` or the areas::

    PYTHONPATH=src python docs/render_api.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api"

# page: (title, introduction, names in the order shown; "module:" marks a public module).
AREAS: dict[str, tuple[str, str, list[str]]] = {
    "saver": (
        "The saver",
        "One participant: the specification, the run, its results, and the retirement, pay, "
        "leakage and comparison rules that reach a saver. Guide: [The saver](../guides/saver.md).",
        [
            "Participant",
            "simulate_participant",
            "ParticipantResults",
            "StreamedParticipantResults",
            "Retirement",
            "RetirementPaths",
            "PayPath",
            "salary_paths",
            "Leakage",
            "roth_vs_traditional",
            "RothTraditionalComparison",
            "taxable_account",
            "TaxableAccountPaths",
            "tax_deferred_vs_taxable",
        ],
    ),
    "pool": (
        "The pool",
        "The DC pool: the scenario, its population of weighted cells, plan segments, its own "
        "flows and their calibration, sweeps and results. Guides: [The pool](../guides/pool.md), "
        "[Calibrating the pool's flows](../guides/flows-calibration.md), "
        "[Flows in market context](../guides/market-context.md).",
        [
            "Scenario",
            "sweep",
            "PoolResults",
            "StreamedPoolResults",
            "Population",
            "PlanSegment",
            "default_segments",
            "FlowTargets",
            "FlowCalibration",
            "FlowParameters",
            "outflow_rate",
            "outflow_parts",
            "mortality_rate",
            "MarketContext",
        ],
    ),
    "adoption": (
        "Adoption and uncertain inputs",
        "Sponsor adoption curves, the participant channels, rebalancing, policy reversal, the "
        "start state and product availability; and the distributions any uncertain knob takes. "
        "Guide: [Adoption and the start state](../guides/adoption.md).",
        [
            "Fixed",
            "Logistic",
            "Bass",
            "crypto_sponsor_curves",
            "private_markets_sponsor_curves",
            "crypto_opt_in_curve",
            "ActiveChannel",
            "DefaultChannel",
            "Rebalancing",
            "Reversal",
            "StartState",
            "BrokerageWindow",
            "ProductAvailability",
            "Launch",
            "Uniform",
            "Triangular",
            "Normal",
            "LogNormal",
            "Beta",
            "Choice",
        ],
    ),
    "markets": (
        "Markets and return models",
        "Asset classes, the market model and its presets, the return models an asset can take, "
        "and the paths they draw. Guide: [Return models](../guides/return-models.md).",
        [
            "default_markets",
            "MarketModel",
            "AssetClass",
            "InflationModel",
            "ReturnPaths",
            "StudentT",
            "MertonJump",
            "RegimeSwitching",
            "Garch",
            "Bootstrap",
        ],
    ),
    "plan": (
        "Plan rules, limits and portfolios",
        "Plan designs and their presets, match formulas, vesting, IRS limits by year, the "
        "contributions they produce, and portfolios with an alternative sleeve. "
        "Guide: [Plan rules](../guides/plan-rules.md).",
        [
            "PlanDesign",
            "PLAN_PRESETS",
            "MatchFormula",
            "Vesting",
            "IRSLimits",
            "irs_limits",
            "limits_by_year",
            "limits_from_prices",
            "catch_up_limit",
            "annual_contributions",
            "AnnualContributions",
            "Portfolio",
            "target_date_weights",
        ],
    ),
    "tax": (
        "Tax",
        "Federal income tax schedules, Social Security taxation, the early-withdrawal penalty "
        "and required minimum distributions. Guide: [Tax](../guides/tax.md).",
        [
            "TaxSchedule",
            "taxable_social_security",
            "early_withdrawal_penalty",
            "share_before_59_half",
            "rmd_start_age",
            "required_minimum_distribution",
            "uniform_lifetime_divisor",
        ],
    ),
    "files": (
        "Files, displays and checks",
        "Saving and loading results, scenario files, sensitivity of results to the uncertain "
        "inputs, displays, figures, backcasts against history, and the library's warning. "
        "Guide: [Scenario files and the command line](../guides/cli.md).",
        [
            "save",
            "load",
            "rerun",
            "read_scenario",
            "write_scenario",
            "scenario_from_yaml",
            "scenario_to_yaml",
            "scenario_schema",
            "module:io",
            "sensitivity",
            "module:display",
            "module:plotting",
            "module:validation",
            "Alt401kWarning",
            "__version__",
        ],
    ),
}

# Beyond the flat namespace: submodules the guides send readers to, each directive with
# the members that are not already on a page above.
SUBMODULES: tuple[str, str, list[tuple[str, list[str] | None]]] = (
    "Submodules",
    "Names outside the flat namespace that the guides use: fitting return models to your own "
    "series, the building blocks of `alt401k.markets`, the executors and their limits, and the "
    "statistics a streamed run keeps.",
    [
        (
            "markets",
            [
                "fit_student_t",
                "fit_merton_jump",
                "fit_garch",
                "FitResult",
                "ReturnModel",
                "PRESETS",
                "lognormal_params",
            ],
        ),
        ("execution", None),
        ("results", ["StreamedStats", "DEFAULT_QUANTILES"]),
    ],
)

# Modules whose functions are also in the flat namespace: shown without members, so no
# function has two pages.
MODULE_OPTIONS = {"io": "members: false"}


def directive(entry: str) -> str:
    """The mkdocstrings directive for one public name."""
    if entry.startswith("module:"):
        name = entry.removeprefix("module:")
        options = MODULE_OPTIONS.get(name)
        block = f"::: alt401k.{name}\n    options:\n      show_root_heading: true\n"
        if options:
            block += f"      {options}\n"
        return block
    return f"::: alt401k.{entry}\n"


def pages() -> dict[str, str]:
    """Every page's text, by file name."""
    out = {}
    for page, (title, intro, names) in AREAS.items():
        lines = [
            f"# {title}",
            "",
            intro,
            "",
            "*Generated by `docs/render_api.py` from `alt401k.__all__`; edit the docstrings, "
            "not this page.*",
            "",
        ]
        for name in names:
            lines += [directive(name)]
        out[f"{page}.md"] = "\n".join(lines)
    title, intro, modules = SUBMODULES
    lines = [f"# {title}", "", intro, ""]
    for module, members in modules:
        lines.append(f"::: alt401k.{module}\n    options:\n      show_root_heading: true")
        # Constants carry a comment, not a docstring; show them (PATHS_LIMIT, ...).
        lines.append("      show_if_no_docstring: true")
        if members is not None:
            lines.append("      members:")
            lines += [f"        - {member}" for member in members]
        lines.append("")
    out["modules.md"] = "\n".join(lines)
    index = [
        "# API reference",
        "",
        "Every public name of `alt401k` (`import alt401k as ak; ak.Scenario(...)`), by area. "
        "The pages are generated from the numpydoc docstrings: each states its parameters "
        "with units and shapes, and the model's equation where there is one.",
        "",
        "| area | names |",
        "| --- | --- |",
    ]
    for page, (title, _, names) in AREAS.items():
        refs = ", ".join(
            f"[`{n.removeprefix('module:')}`][alt401k.{n.removeprefix('module:')}]" for n in names
        )
        index.append(f"| [{title}]({page}.md) | {refs} |")
    index.append(
        "| [Submodules](modules.md) | "
        + ", ".join(f"[`alt401k.{m}`][alt401k.{m}]" for m, _ in SUBMODULES[2])
        + " |"
    )
    out["index.md"] = "\n".join([*index, ""])
    return out


def check(public: list[str]) -> None:
    """Every public name in exactly one area, and no area naming a missing one."""
    listed = [n.removeprefix("module:") for _, _, names in AREAS.values() for n in names]
    twice = sorted({n for n in listed if listed.count(n) > 1})
    missing = sorted(set(public) - set(listed))
    extra = sorted(set(listed) - set(public))
    if twice or missing or extra:
        raise SystemExit(
            f"docs/render_api.py AREAS: listed twice {twice}, not listed {missing}, "
            f"not in alt401k.__all__ {extra}"
        )


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import alt401k

    check(list(alt401k.__all__))
    API.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (API / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
