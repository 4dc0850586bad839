"""Backcast: the library's adoption machinery run through target-date funds after 2006.

The Pension Protection Act of 2006 and the Department of Labor's qualified
default investment alternative (QDIA) rule (29 CFR 2550.404c-5, final
October 2007) made target-date funds (TDFs) the default of 401(k) plans: a
diffusion that really happened, with published participant- and asset-side
series. :func:`tdf_backcast` runs the pool's own machinery through it --
the synthetic population, a sponsor adoption curve, the default channel,
entrants, contributions and flows calibrated as in any run, and the
period's recorded market returns -- and puts the model's series next to the
published ones, year by year.

Inputs are sponsor-side only: the share of plans adopting the TDF as their
default (:data:`QDIA_BASS`, CALIBRATION "Adoption by plan sponsors": p 0.16,
q 0.27, m 0.92), the default channel holding it for default investors of
adopting plans (``DefaultChannel(sleeve_share=1.0)``: wholly in it), and
the recorded annual returns of 2006-2022 (:func:`market_returns`). No
participant-side number (opt-in, allocation) is set: the active channel is
off, so the model's participants "holding a TDF" are its default investors
in adopting plans, all wholly in one fund.

The calendar shortcut
---------------------
:class:`~alt401k.Scenario` and :class:`~alt401k.Population` start in 2024
or later. The backcast therefore simulates ``n`` years from a start
labelled :data:`SIMULATED_START_YEAR` and relabels year ``k`` as
``first_year + k``. What that costs: the population is today's (2024
ages, balances, pay and default-investor shares, not 2005's); IRS limits
are those of 2024 onwards (402(g) $23,000 instead of 2006's $15,000), so
high earners contribute more than they could have; contribution and
outflow rates are calibrated to the 2023 Form 5500 rates rather than
2006's. The reported series are shares (of participants, of assets), so
the dollar level does not enter them; the limits and rates enter only
through the relative growth of balances, which a share barely feels.
Inflation cannot replay a series in the market model, so it is the
period's compound CPI-U rate (2.5% a year) with no volatility.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..adoption import Bass, DefaultChannel
from ..flow_targets import FlowTargets
from ..markets import AssetClass, InflationModel, MarketModel
from ..population import Population
from ..scenario import Scenario
from .replay import Replay

__all__ = [
    "QDIA_BASS",
    "SIMULATED_START_YEAR",
    "TDF_MIX",
    "backcast_markets",
    "market_returns",
    "published_tdf_series",
    "tdf_backcast",
]

#: Share of plans making a TDF their default, years after the PPA: CALIBRATION "Adoption by
#: plan sponsors", TDFs after the QDIA safe harbor (Bass p 0.16, q 0.27, m 0.92; half the
#: ceiling in about 4 years).
QDIA_BASS = Bass(p=0.16, q=0.27, ceiling=0.92)

#: The earliest start year the Scenario accepts; the backcast runs from it and relabels.
SIMULATED_START_YEAR = 2024

#: The backcast TDF's mix of the recorded indices, fraction (*est.*: a mid-vintage glide path
#: of the large series, about 65% equity of which a third non-US; the library's own glide
#: path puts 65% in equity about 12 years before 65).
TDF_MIX: dict[str, float] = {"us_equity": 0.45, "intl_equity": 0.20, "us_bonds": 0.35}

#: Core portfolio of participants outside the default fund (*est.*: EBRI/ICI put about
#: two-thirds of 401(k) assets in equities over the period).
CORE_PORTFOLIO: dict[str, float] = {"us_equity": 0.55, "intl_equity": 0.10, "us_bonds": 0.35}

#: The shipped series, names as in ``tdf_history.csv``.
_SERIES = {
    "ebri_ici_asset_share": "published_asset_share",
    "ebri_ici_participants_holding": "published_holding_tdf_share",
    "vanguard_single_tdf": "published_single_tdf_share",
}

_DATA = resources.files("alt401k.validation") / "data"


@functools.cache
def _market_table() -> pd.DataFrame:
    with (_DATA / "market_returns.csv").open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, comment="#")
    return frame


def market_returns() -> pd.DataFrame:
    """The period's recorded annual returns and inflation, as shipped.

    Returns
    -------
    DataFrame
        One row per calendar year (``year``, 2006-2022) with ``us_equity``
        (S&P 500 total return, S&P Dow Jones Indices), ``intl_equity`` (MSCI
        EAFE net total return in US dollars, MSCI), ``us_bonds`` (Bloomberg
        US Aggregate total return) and ``cpi`` (CPI-U December to December,
        BLS), each a fraction (0.1579 = 15.79%). Sources are also in the
        file's header (``alt401k/validation/data/market_returns.csv``).
    """
    frame = _market_table().copy()
    for column in ("us_equity", "intl_equity", "us_bonds", "cpi"):
        frame[column] = frame[column] / 100.0
    return frame


def published_tdf_series() -> pd.DataFrame:
    """The published TDF series the backcast is compared with, as shipped.

    Returns
    -------
    DataFrame
        Tidy: ``year``, ``series`` (``ebri_ici_asset_share``,
        ``ebri_ici_participants_holding``, ``vanguard_single_tdf``),
        ``value`` (fraction), ``status`` (``"published"`` or ``"est."`` for
        a worded figure such as "about half") and ``source``.
    """
    with (_DATA / "tdf_history.csv").open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, comment="#")


def _year_range() -> tuple[int, int]:
    years = _market_table()["year"]
    return int(years.min()), int(years.max())


def _check_years(first_year: int, last_year: int) -> None:
    low, high = _year_range()
    for name, value in (("first_year", first_year), ("last_year", last_year)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be an integer year; got {value!r}")
        if not low <= value <= high:
            raise ValueError(
                f"{name}={value} is outside the shipped market returns: allowed {low}-{high}"
            )
    if last_year < first_year:
        raise ValueError(
            f"last_year={last_year} must be >= first_year={first_year} (allowed {low}-{high})"
        )


def backcast_markets(
    first_year: int = 2006, last_year: int = 2022, *, tdf_mix: dict[str, float] | None = None
) -> MarketModel:
    """A market that replays the recorded returns of ``first_year``-``last_year``.

    Parameters
    ----------
    first_year, last_year : int
        Calendar years within the shipped data (2006-2022).
    tdf_mix : dict, optional
        Weights of ``us_equity``, ``intl_equity`` and ``us_bonds`` in the
        target-date fund, summing to 1, rebalanced yearly; default
        :data:`TDF_MIX`.

    Returns
    -------
    MarketModel
        Assets ``us_equity``, ``intl_equity``, ``us_bonds`` and ``tdf``, each
        a :class:`~alt401k.validation.replay.Replay` of its recorded annual
        returns (the same in every scenario), stated mean and volatility the
        period's sample figures; inflation the period's compound CPI-U rate
        with no volatility.
    """
    _check_years(first_year, last_year)
    mix = dict(TDF_MIX if tdf_mix is None else tdf_mix)
    if set(mix) - {"us_equity", "intl_equity", "us_bonds"} or abs(sum(mix.values()) - 1) > 1e-9:
        raise ValueError(
            "tdf_mix must weight us_equity, intl_equity and us_bonds (weights >= 0 summing "
            f"to 1); got {mix}"
        )
    if any(w < 0 for w in mix.values()):
        raise ValueError(f"tdf_mix weights must be >= 0; got {mix}")
    table = market_returns().set_index("year").loc[first_year:last_year]
    table["tdf"] = sum(weight * table[name] for name, weight in mix.items())
    sources = {
        "us_equity": "S&P 500 total return (S&P Dow Jones Indices)",
        "intl_equity": "MSCI EAFE net total return, USD (MSCI)",
        "us_bonds": "Bloomberg US Aggregate Bond Index total return",
        "tdf": "est.: " + ", ".join(f"{w:g} {n}" for n, w in mix.items()) + ", yearly rebalanced",
    }
    assets = []
    for name, source in sources.items():
        series = table[name].to_numpy(dtype=float)
        assets.append(
            AssetClass(
                name=name,
                label=name,
                expected_return=float(series.mean()),
                volatility=float(series.std(ddof=1)) if series.size > 1 else 0.0,
                source=f"replay {first_year}-{last_year}: {source}",
                model=Replay(annual_returns=tuple(float(x) for x in series)),
            )
        )
    cpi = table["cpi"].to_numpy(dtype=float)
    inflation = float(np.prod(1.0 + cpi) ** (1.0 / cpi.size) - 1.0)
    return MarketModel(
        assets=tuple(assets),
        correlation=np.eye(len(assets)),
        inflation=InflationModel(
            mean=inflation,
            volatility=0.0,
            source=f"CPI-U Dec/Dec (BLS), compound {first_year}-{last_year}",
        ),
    )


def _backcast_population(
    scenario: Scenario, default_investors: str
) -> tuple[Population | None, FlowTargets | Literal["default"]]:
    """The population and flow targets of a variant (None: the scenario's own)."""
    if default_investors == "population":
        return None, "default"
    # Diagnostic: only people hired after the PPA are default investors -- here the cells
    # under 30 at the start (new hires) and the entrants who copy them.
    frame = scenario.resolved_population().to_frame()
    frame["default_investor"] = frame["default_investor"].astype(bool) & (frame["age"] < 30)
    return Population.from_frame(frame, start_year=SIMULATED_START_YEAR), FlowTargets.default()


def _people_by_year(population: Population, n_years: int) -> tuple[np.ndarray, np.ndarray]:
    """People in the pool and default investors among them, each year, (Y,) each.

    Mirrors the entrants rule of the pool (``alt401k._pool``): the
    population's cells stay, and in each year ``k >= 1`` as many people
    join as working cells reach their retirement age, as copies of the
    working cells under 30 (their default-investor share included).
    """
    weight = population.weight
    default = np.asarray(population.default_investor, dtype=bool)
    age = population.age.astype(int)
    working = np.asarray(population.working, dtype=bool)
    young = working & (population.age < 30)
    young_default = weight[young & default].sum() / weight[young].sum()
    retiring = working & (age < population.retirement_age)
    people = np.full(n_years, weight.sum())
    defaults = np.full(n_years, weight[default].sum())
    for k in range(1, n_years):
        leaving = weight[retiring & (age + k == population.retirement_age)].sum()
        people[k:] += leaving
        defaults[k:] += leaving * young_default
    return people, defaults


def tdf_backcast(
    first_year: int = 2006,
    last_year: int = 2022,
    *,
    sponsor_adoption: Bass | None = None,
    default_investors: Literal["population", "new_hires"] = "population",
    existing_balances: Literal["move", "stay"] = "stay",
    tdf_mix: dict[str, float] | None = None,
    rng: Any = 0,
) -> pd.DataFrame:
    """Run the adoption machinery through TDFs after the PPA and compare with history.

    Parameters
    ----------
    first_year, last_year : int
        Calendar years of the backcast, within the shipped market returns
        (2006-2022); ``first_year`` is the first year of adoption (the PPA
        was signed in August 2006).
    sponsor_adoption : Bass, optional
        Cumulative share of plans with a TDF as their default; default
        :data:`QDIA_BASS`. Year ``k`` uses the curve at ``k + 1`` years, as
        every run does.
    default_investors : {"population", "new_hires"}
        Who the default channel reaches. ``"population"`` (default): the
        library as shipped -- the synthetic population's default investors
        (about 58% of participants, 52% of assets) are in the fund, balances
        included, from their plan's adoption year. ``"new_hires"``: a
        diagnostic -- only participants under 30 at the start and entrants
        are default investors, as when a QDIA reaches new (auto-enrolled)
        hires and existing balances stay where they were.
    existing_balances : {"move", "stay"}
        What the default channel does with a default investor's balance when
        the plan adopts (:class:`alt401k.DefaultChannel`): ``"stay"``
        (default: how a new default option reached plans under the QDIA
        rules) leaves it where it was and sends only new contributions to
        the fund; ``"move"`` (the channel's default, right for a sleeve
        added to a fund default investors already hold) puts it in the fund
        at once -- here it overshoots the published asset share by 20-32
        points.
    tdf_mix : dict, optional
        The TDF's index mix; default :data:`TDF_MIX`.
    rng : seed
        Seed of the run (SPEC 7). The markets replay history and the curve
        has fixed parameters, so every scenario is the same and one is run.

    Returns
    -------
    DataFrame
        One row per year ``first_year``-``last_year``, columns:

        * ``year``; ``plans_adopting``: the curve's share of plans (input);
        * ``model_single_tdf_share``: participants wholly in one TDF (the
          default channel's holders over all participants, entrants
          included); ``published_single_tdf_share`` (Vanguard How America
          Saves) and ``single_tdf_error`` (model - published);
        * ``model_holding_tdf_share``: participants holding any TDF (the
          same as the single-TDF share: no active channel);
          ``published_holding_tdf_share`` (EBRI/ICI) and
          ``holding_tdf_error``;
        * ``model_asset_share``: the fund's share of plan assets at year
          end; ``published_asset_share`` (EBRI/ICI) and
          ``asset_share_error``.

        Shares are fractions; errors in fraction points (0.05 = 5 points).
        Published values come from :func:`published_tdf_series` (NaN in
        years without one); ``attrs`` carry the sources, the statuses
        (``"est."`` marks a worded figure) and the assumptions.

    Raises
    ------
    ValueError
        A year outside the shipped data (naming the field and the allowed
        range), ``last_year < first_year``, or an unknown ``default_investors``.
    """
    _check_years(first_year, last_year)
    if existing_balances not in ("move", "stay"):
        raise ValueError(f"existing_balances must be 'move' or 'stay'; got {existing_balances!r}")
    if default_investors not in ("population", "new_hires"):
        raise ValueError(
            f"default_investors must be 'population' or 'new_hires'; got {default_investors!r}"
        )
    curve = QDIA_BASS if sponsor_adoption is None else sponsor_adoption
    n_years = last_year - first_year + 1
    markets = backcast_markets(first_year, last_year, tdf_mix=tdf_mix)
    scenario = Scenario(
        markets=markets,
        asset="tdf",
        sponsor_adoption=curve,
        active_channel=False,
        default_fund=DefaultChannel(sleeve_share=1.0, existing_balances=existing_balances),
        pool_portfolio=CORE_PORTFOLIO,
        start_year=SIMULATED_START_YEAR,
        horizon_years=n_years,
    )
    population, targets = _backcast_population(scenario, default_investors)
    if population is not None:
        scenario = scenario.replace(population=population, flow_targets=targets)
    result = scenario.run(1, rng=rng, keep_paths=True)
    people, defaults = _people_by_year(scenario.resolved_population(), n_years)
    plans = curve.mean_path(n_years)
    single = plans * defaults / people
    years = np.arange(first_year, last_year + 1)
    table = pd.DataFrame(
        {
            "year": years,
            "plans_adopting": plans,
            "model_single_tdf_share": single,
            "model_holding_tdf_share": single,
            "model_asset_share": result.holdings[0] / result.pool_assets[0],
        }
    )
    published = published_tdf_series()
    for series, column in _SERIES.items():
        values = published.loc[published["series"] == series].set_index("year")["value"]
        table[column] = values.reindex(years).to_numpy(dtype=float)
    table["single_tdf_error"] = (
        table["model_single_tdf_share"] - table["published_single_tdf_share"]
    )
    table["holding_tdf_error"] = (
        table["model_holding_tdf_share"] - table["published_holding_tdf_share"]
    )
    table["asset_share_error"] = table["model_asset_share"] - table["published_asset_share"]
    table = table[
        [
            "year", "plans_adopting",
            "model_single_tdf_share", "published_single_tdf_share", "single_tdf_error",
            "model_holding_tdf_share", "published_holding_tdf_share", "holding_tdf_error",
            "model_asset_share", "published_asset_share", "asset_share_error",
        ]
    ]  # fmt: skip
    inside = published[published["year"].between(first_year, last_year)]
    table.attrs["sources"] = {
        f"{row.series} {row.year}": f"{row.source} ({row.status})" for row in inside.itertuples()
    }
    table.attrs["estimated"] = sorted(
        f"{row.series} {row.year}" for row in inside.itertuples() if row.status != "published"
    )
    table.attrs["assumptions"] = {
        "sponsor_adoption": repr(curve),
        "default_investors": default_investors,
        "default_channel": (
            "DefaultChannel(sleeve_share=1.0): default investors of adopting plans in the TDF; "
            + (
                "balances moved in the adoption year"
                if existing_balances == "move"
                else "only new contributions go to it, old balances stay"
            )
        ),
        "tdf_mix": dict(TDF_MIX if tdf_mix is None else tdf_mix),
        "core_portfolio": CORE_PORTFOLIO,
        "calendar": f"simulated from {SIMULATED_START_YEAR}, relabelled {first_year}-{last_year}",
        "inflation": markets.inflation.source,
    }
    return table
