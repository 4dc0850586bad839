"""Default capital-market assumptions, with sources.

Every number traces to ``CALIBRATION.md`` (the project's calibration notes);
*est.* marks judgement, not a published figure. Returns are nominal
arithmetic annual means of simple returns; volatilities are annual standard
deviations; expense ratios are annual fractions of assets.

============== ======== ====== ======= ==========================================
name           mean     vol    expense source
============== ======== ====== ======= ==========================================
cash           3.1%     0.7%   0.10%   JPM 2026 LTCMA US cash; expense *est.*
us_bonds       4.9%     4.8%   0.22%   LTCMA US aggregate bonds; ICI bond funds
us_equity      7.9%     16.5%  0.31%   LTCMA US large cap; ICI equity funds
intl_equity    8.9%     17.6%  0.31%   LTCMA EAFE equity; ICI equity funds
em_equity      9.7%     20.9%  0.31%   LTCMA EM equity; ICI equity funds
real_estate    8.8%     11.4%  0.50%   LTCMA US core real estate; expense *est.*
infrastructure 7.0%     10.3%  0.50%   LTCMA global core infra; expense *est.*
commodities    6.2%     18.3%  0.40%   LTCMA commodities; expense *est.*
gold           6.8%     16.7%  0.25%   LTCMA gold; expense *est.*
private_equity 11.9%    19.8%  1.00%   LTCMA private equity; ~1% sleeve *est.*
private_credit 8.6%     14.0%  1.00%   LTCMA direct lending; ~1% *est.*
bitcoin        15%      55%    0.25%   *est.* (CALIBRATION range); IBIT/FBTC fee
ether          18%      75%    0.25%   *est.*; fee *est.* as spot bitcoin ETFs
============== ======== ====== ======= ==========================================

Inflation: 2.5% mean, 1.8% vol (LTCMA US inflation), independent of assets.

Presets (:data:`PRESETS`). ``default_markets()`` is ``"crypto_realistic"``
(:data:`DEFAULT_PRESET`, since issue 16): bitcoin and ether on the realistic
crypto model below, private equity and private credit reporting
appraisal-smoothed values. ``"lognormal"`` is every asset exact lognormal
with nothing smoothed, for checks against closed forms; ``"base"`` is
another name for it (it was the default until issue 16, so code that asks
for it by name keeps its draws). The others change only what their row says
from the default (*est.* throughout):

================== =====================================================================
preset             what differs from the default (sources and judgement calls)
================== =====================================================================
crypto_realistic   the default: the table above; bitcoin 15% / 55% and ether 18% / 75%
                   (inside CALIBRATION's judgement range: mean 12-20%, vol ~55% falling
                   to ~40%; ether's realised vol ~1.4x bitcoin's, 83% vs 61% 2020-25)
                   on the realistic crypto model below; private equity and private
                   credit appraisal-smoothed (below)
lognormal, base    every asset the exact correlated lognormal of the table above, the
                   crypto at their stated correlations, no smoothing
crypto_bull        the realistic model at the top of the range: bitcoin 20%, ether 25%
crypto_bear        the realistic model below the range: bitcoin 5%, ether 3%
low_equity_returns us_equity, intl_equity, em_equity expected returns 2 points lower
                   (5.9%, 6.9%, 7.7%; vols and correlations unchanged), *est.*: a
                   stress on the LTCMA equity figures, not a published forecast
crypto_uncertain   bitcoin's expected return drawn once per scenario from
                   Triangular(-5%, 12%, 30%) (mean 12.3%) and a 1%/yr hazard of a
                   permanent 90% loss (an exchange or custody failure, a ban), *est.*;
                   ether as in the default
crypto_history     the record's character (2016-25): bitcoin 15% / 70% and ether
                   18% / 95% flat (realised 68% and 97%), on :data:`CRYPTO_HISTORY_REGIMES`
                   (more crashes, and decoupled eras in which crypto moves on its own
                   news: monthly equity correlation ~0 as in 2016-19, ~0.5 otherwise)
================== =====================================================================

Private assets by default (issue 16; every preset but ``"lognormal"``).
CALIBRATION: the LTCMA's private-asset volatilities are de-smoothed
(economic), and reported (appraisal) returns of private assets are smoother.
A 401(k) participant's balance moves with the reported NAV, so private
equity and private credit (direct lending) report an appraisal-smoothed
value (``smoothing=``, :mod:`alt401k.markets.private`; the economic series
is kept in ``ReturnPaths.economic_returns``): a Geltner coefficient of 0.5
stated quarterly (:data:`PRIVATE_SMOOTHING`,
``smoothing_periods_per_year=4``: monthly 0.794; *est.*: the funds appraise
and report quarterly; no published coefficient is in our sources, and 0.5
is a judgement that appraisals hide about half of a quarter's volatility).
Measured (10,000 scenarios x 8 years monthly, seed 2024): private
equity's reported annual volatility 15.8% (economic 19.7%), quarterly
volatility x2 9.2% (economic 17.5%), lag-1 autocorrelation of quarterly
returns 0.56, annual correlation with us_equity 0.65 (economic 0.75),
arithmetic annual mean 11.3% (economic 11.8%; the reported value still grows
at the stated rate, see ``smoothing``); private credit 11.2% (14.0%), 0.48
(0.55). Their fees stay 1.00% a year (CALIBRATION: a private-equity sleeve
about 1% or more all-in, *est.*; private credit the same, *est.*): the low
end of that range, as the LTCMA figures are for the median manager and our
sources do not say whether they are net of fund fees. Left off by default,
each for want of evidence that it is the common case: real estate and
infrastructure smoothing (their 401(k) vehicle may be a listed fund marked
daily or an appraised account; set ``smoothing=`` for the latter), private
credit default losses (``default_rate=``: the stated volatility already
includes them, and turning them on would lower the LTCMA correlations) and
liquidity sleeves (``liquidity_share=``).

The realistic crypto model (the default ``crypto_realistic`` and every
preset but ``lognormal`` and ``crypto_history``; *est.*, reasons below). Bitcoin and ether follow
:data:`CRYPTO_REGIMES`, a :class:`~alt401k.markets.regimes.RegimeSwitching`
chain over bull / bear / crash regimes with annual shapes (mean, vol) of
(35%, 45%), (-30%, 55%), (-60%, 80%) and annual transition rows bull
(0.80, 0.15, 0.05), bear (0.45, 0.45, 0.10), crash (0.40, 0.40, 0.20)
(stationary shares 69% / 24% / 7%: a bear or crash year about one year in
three). The chain runs monthly on the 12th root of that matrix, so regimes
can change within a year: bull spells last 3.3 years on average, bear spells
1.0 year and crashes 6.6 months (``1 / (1 - Q_kk)`` months; bitcoin's bull
runs of 2015-17, 2019-21 and 2023-25 lasted 2.5-3 years). The chain is
*shared*: bitcoin and ether are in the same regime every month, so they crash
together, as they did in 2018 and 2022 (BTC -84% / ETH -94%, BTC -77% / ETH
-79%). The regimes are rescaled (``scale_to_stated``) so each year's annual
return has exactly the stated mean and that year's volatility: bitcoin's
volatility falls from 55% to 40% over ten years and stays there
(:data:`BITCOIN_VOLATILITY_SCHEDULE`; CALIBRATION: yearly BTC vol 94% in 2017
to 42% in 2025), ether's from 75% to 55% (kept ~1.4x bitcoin's). The regime
chain is independent of the other assets, so it dilutes every crypto
correlation of annual returns (by about a quarter) and adds to the
bitcoin-ether one; the shock correlations are set so that the *annual*
correlations come out as stated in the table of correlations below (the
lognormal's; :func:`realistic_crypto_correlations`): each stated correlation
of bitcoin with a non-crypto asset times
:data:`BITCOIN_SHOCK_FACTOR` (1.36; e.g. us_equity 0.45 -> 0.612), of ether
times :data:`ETHER_SHOCK_FACTOR` (1.22; us_equity 0.50 -> 0.61), and
bitcoin-ether 0.735 for an annual 0.80 (measured on 10,000 scenarios x 8
years: within 0.01 of the stated ones for every pair, tested; the lognormal
transform's smallest eigenvalue is ~0.085).

Why regimes rather than Merton jumps: the record's -77% to -85% drawdowns
were year-long bear markets, joint for bitcoin and ether, not single-month
gaps; a jump model draws each asset's jumps independently and puts monthly
excess kurtosis at 15-35 (far above a monthly record whose daily figure is
11), while the shared chain gives joint crashes, volatility that clusters
by regime and moderate monthly fat tails. Measured character of
``crypto_realistic`` bitcoin (monthly, 10,000 scenarios, first 8 years;
checked by ``tests/markets/test_crypto_character.py``; the table of every
preset is ``benchmarks/crypto_record.py``): annual volatility 55% in year 1
falling to 45% in year 8; monthly log-return excess kurtosis ~5.7; annual
correlation with us_equity ~0.45 (monthly ~0.5); **a drawdown of at least
75% within 8 years in about half the scenarios** (51.3% of 100,000); two separate ones
in 0.4%. The exact lognormal (``"lognormal"``) gives 39%, 0.1% and excess kurtosis 0.
The bounds of issue 16 for ``default_markets()`` (annual volatility 35-85%,
mean monthly excess kurtosis above 0.5, a 75% drawdown within 8 years in
15-90% of scenarios, equity correlation 0.2-0.7) are tested there: 49.9%,
2.8 (the per-scenario figure over 96 months, averaged; -0.06 for the
lognormal), 51.6%, 0.52 monthly and 0.46 annual.

What the record says and what the default assumes (*est.*, decided in
issue 15). The 2016-25 record (CALIBRATION) has three features no preset
but ``crypto_history`` reproduces: volatility of 60-80% (68%), two
separate drawdowns of 75% or more within four years (2018 and 2022), and a
regime of near-zero correlation with equities (monthly 0.00 in 2016-19,
0.56 in 2020-25). The realistic model keeps what looks structural --
fat-tailed months, volatility clustering by regime, joint bitcoin-ether
crashes, a 75% drawdown in about half of all 8-year paths -- and treats the
three as judgements about the future, each on the evidence of the record's
own trend: (1) volatility has fallen with the market's depth, from 94%
(2017) and 80% (2021) to 42-53% in 2023-25, so it starts at 55% and decays
to 40% rather than staying at the decade's 68%; (2) the equity correlation
rose from 0.00 to 0.56 as institutions and, since 2024, spot ETFs came to
hold bitcoin, and nothing in the record points back, so it stays at the
2020-25 level; (3) the two deep crashes each followed a run-up of the kind
that produced a 70% a year compound return, which the 15% expected return
does not assume, and the latest drawdown (Oct 2025-Feb 2026) stopped at
-50%: so a repeat of 2018 and 2022 within 8 years is rare (0.4%), while a
single 75% drawdown stays likely. Users who think the record will repeat
use ``crypto_history``.

``crypto_history`` (*est.*): bitcoin 15% / 70% and ether 18% / 95%, flat
(no decay), on :data:`CRYPTO_HISTORY_REGIMES`: the realistic regime shapes
with more crashes (annual rows bull (0.70, 0.15, 0.15), bear (0.45, 0.35,
0.20), crash (0.50, 0.30, 0.20)), each regime in two eras -- coupled (the
market shock drives crypto, as in 2020-25) and decoupled (``coupling`` 0:
crypto moves on its own news, as in 2016-19) -- with annual era rows
coupled (0.9, 0.1), decoupled (0.2, 0.8) (a third of the time decoupled),
and the realistic shock correlations. Measured (10,000 x 8 years): annual
volatility 70%, monthly excess kurtosis ~4.5, a 75% drawdown in 77% of
paths and two separate ones in 3% (ten times the realistic model; at a 15%
expected return, recovering to a new high within a few years of a 75% fall
stays rare -- the record's 70% a year did it), monthly equity correlation
0.52 in coupled months and 0.00 in decoupled ones (a third of all months;
0.31 for annual returns overall).

Means are arithmetic; at these volatilities the compound (median) annual
return of the lognormal model, ``(1 + mu) / sqrt(1 + (sigma / (1 + mu))**2) - 1``,
is much lower: bitcoin 3.8% (``"lognormal"``); ether -0.4%. (US large cap: 6.7%,
matching the LTCMA compound figure.)

Correlations of annual returns. Published (JPM 2026 LTCMA): large cap with
agg 0.30, EAFE 0.87, EM 0.73, core RE 0.35, infra 0.47, commodities 0.42,
PE 0.75, direct lending 0.55; agg-core RE -0.15; PE-direct lending 0.66;
core RE-PE 0.32. Crypto judgement (*est.*, CALIBRATION: ~0.4-0.55 with
equities; S&P 500 monthly 0.56 BTC / 0.62 ETH in 2020-25, ~0 before 2020;
BTC-ETH daily 0.83): bitcoin-us_equity 0.45, ether-us_equity 0.50,
bitcoin-ether 0.80. All other pairs are judgement, documented next to each
group in :data:`_JUDGED_CORRELATIONS`; the full stated matrix has smallest
eigenvalue ~0.10 (and its lognormal transform ~0.097), so it is positive
definite with a margin.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from alt401k.markets.correlations import (
    _JUDGED_CORRELATIONS,
    _PUBLISHED_CORRELATIONS,
    BITCOIN_SHOCK_FACTOR,
    ETHER_SHOCK_FACTOR,
    realistic_crypto_correlations,
)
from alt401k.markets.ltcma import _CRYPTO_RANGE, _LTCMA, _PUBLIC_AND_PRIVATE
from alt401k.markets.model import AssetClass, InflationModel, MarketModel
from alt401k.markets.regimes import RegimeSwitching
from alt401k.uncertain import Triangular

__all__ = [
    "BITCOIN_SHOCK_FACTOR",
    "BITCOIN_VOLATILITY_SCHEDULE",
    "CRYPTO_HISTORY_REGIMES",
    "CRYPTO_REGIMES",
    "DEFAULT_PRESET",
    "ETHER_SHOCK_FACTOR",
    "ETHER_VOLATILITY_SCHEDULE",
    "LOW_EQUITY_CUT",
    "PRESETS",
    "PRESET_ALIASES",
    "PRIVATE_SMOOTHING",
    "PRIVATE_SMOOTHING_PERIODS_PER_YEAR",
    "default_markets",
    "realistic_crypto_correlations",
]

#: Names accepted by :func:`default_markets`.
PRESETS: tuple[str, ...] = (
    "crypto_realistic",
    "lognormal",
    "base",
    "crypto_bull",
    "crypto_bear",
    "low_equity_returns",
    "crypto_uncertain",
    "crypto_history",
)

#: The preset of ``default_markets()`` (issue 16): realistic crypto, smoothed private assets.
DEFAULT_PRESET = "crypto_realistic"
#: Other names of a preset: ``"base"`` was the default until issue 16 and is the exact
#: lognormal, so code that asked for it by name keeps its draws.
PRESET_ALIASES: dict[str, str] = {"base": "lognormal"}
#: Appraisal smoothing of private equity and private credit in every preset but
#: ``"lognormal"`` (*est.*): a quarterly Geltner coefficient of 0.5 (monthly 0.794).
PRIVATE_SMOOTHING = 0.5
#: The frequency at which :data:`PRIVATE_SMOOTHING` is stated: quarterly, as the funds
#: appraise and report NAV.
PRIVATE_SMOOTHING_PERIODS_PER_YEAR = 4

#: The crypto cycle of the realistic presets (*est.*): one bull / bear / crash
#: chain shared by bitcoin and ether, so they crash together (as in 2018 and
#: 2022). Regime figures are annual (mean, volatility) shapes, rescaled to each
#: asset's stated mean and volatility schedule (``scale_to_stated``).
CRYPTO_REGIMES = RegimeSwitching(
    regimes=(("bull", 0.35, 0.45), ("bear", -0.30, 0.55), ("crash", -0.60, 0.80)),
    transition=((0.80, 0.15, 0.05), (0.45, 0.45, 0.10), (0.40, 0.40, 0.20)),
)
#: Bitcoin's volatility falling from 55% to 40% over ten years (*est.*).
BITCOIN_VOLATILITY_SCHEDULE: tuple[tuple[int, float], ...] = ((0, 0.55), (10, 0.40))
#: Ether's, kept ~1.4x bitcoin's as realised (83% vs 61%, 2020-25) (*est.*).
ETHER_VOLATILITY_SCHEDULE: tuple[tuple[int, float], ...] = ((0, 0.75), (10, 0.55))
#: The record's character (*est.*): the realistic regime shapes with more crashes,
#: each regime in a coupled and a decoupled era (crypto moving on its own news,
#: as in 2016-19). Transition: the Kronecker product of the era and cycle rows.
_HISTORY_CYCLE = ((0.70, 0.15, 0.15), (0.45, 0.35, 0.20), (0.50, 0.30, 0.20))
_HISTORY_ERAS = ((0.9, 0.1), (0.2, 0.8))
CRYPTO_HISTORY_REGIMES = RegimeSwitching(
    regimes=tuple(
        (name + suffix, mean, vol)
        for suffix in ("", "_decoupled")
        for name, mean, vol in CRYPTO_REGIMES.regimes
    ),
    transition=tuple(
        tuple(round(era_p * cycle_p, 12) for era_p in era_row for cycle_p in cycle_row)
        for era_row in _HISTORY_ERAS
        for cycle_row in _HISTORY_CYCLE
    ),
    coupling=(1.0, 1.0, 1.0, 0.0, 0.0, 0.0),
    decoupled_correlation=0.8,
)


def _bitcoin(mean: float, vol: float, note: str, **extra: Any) -> AssetClass:
    return AssetClass(
        name="bitcoin",
        label="Bitcoin",
        expected_return=mean,
        volatility=vol,
        expense_ratio=0.0025,
        source=f"est.: {note} (mean {mean:.0%}, vol {vol:.0%}); realised vol 68% (2016-25), "
        "61% (2020-25); expense: spot bitcoin ETFs IBIT/FBTC 0.25%",
        **extra,
    )


def _ether(mean: float, vol: float, note: str, **extra: Any) -> AssetClass:
    return AssetClass(
        name="ether",
        label="Ether",
        expected_return=mean,
        volatility=vol,
        expense_ratio=0.0025,
        source=f"est.: {note} (mean {mean:.0%}, vol {vol:.0%}); realised vol 97% (2016-25), "
        "83% (2020-25); expense est.: as spot bitcoin ETFs 0.25%",
        **extra,
    )


_BASE_CRYPTO: tuple[AssetClass, AssetClass] = (
    _bitcoin(0.15, 0.55, f"judgement within {_CRYPTO_RANGE}"),
    _ether(0.18, 0.75, f"judgement within {_CRYPTO_RANGE}, vol scaled up as realised"),
)

_REALISTIC_NOTE = (
    "; realistic model: shared bull/bear/crash regimes (CRYPTO_REGIMES), vol schedule {}"
)


def _realistic_crypto(
    btc_mean: float, eth_mean: float, label: str, btc_label: str = "", **btc_extra: Any
) -> tuple[AssetClass, AssetClass]:
    """Bitcoin and ether on the shared regime chain with falling volatility."""
    btc_note = _REALISTIC_NOTE.format("55% -> 40% over 10 years")
    eth_note = _REALISTIC_NOTE.format("75% -> 55% over 10 years")
    return (
        _bitcoin(
            btc_mean,
            BITCOIN_VOLATILITY_SCHEDULE[0][1],
            label + btc_label + btc_note,
            volatility_schedule=BITCOIN_VOLATILITY_SCHEDULE,
            model=CRYPTO_REGIMES,
            **btc_extra,
        ),
        _ether(
            eth_mean,
            ETHER_VOLATILITY_SCHEDULE[0][1],
            label + eth_note,
            volatility_schedule=ETHER_VOLATILITY_SCHEDULE,
            model=CRYPTO_REGIMES,
        ),
    )


def _crypto(preset: str) -> tuple[AssetClass, AssetClass]:
    if preset == "lognormal":
        return _BASE_CRYPTO
    if preset == "crypto_bull":
        return _realistic_crypto(
            0.20, 0.25, f"crypto_bull stress variant at the top of {_CRYPTO_RANGE}"
        )
    if preset == "crypto_bear":
        return _realistic_crypto(0.05, 0.03, f"crypto_bear stress variant below {_CRYPTO_RANGE}")
    if preset == "crypto_history":
        note = (
            "crypto_history: the 2016-25 record's character (vol, crashes, decoupled eras) "
            "with the judgement mean; CRYPTO_HISTORY_REGIMES"
        )
        return (
            _bitcoin(0.15, 0.70, note, model=CRYPTO_HISTORY_REGIMES),
            _ether(0.18, 0.95, note, model=CRYPTO_HISTORY_REGIMES),
        )
    if preset == "crypto_uncertain":
        return _realistic_crypto(
            0.15,
            0.18,
            f"judgement within {_CRYPTO_RANGE}",
            "; crypto_uncertain: expected return drawn per scenario from "
            "Triangular(-5%, 12%, 30%) (mean 12.3%), ruin hazard 1%/yr losing 90%",
            expected_return_uncertainty=Triangular(low=-0.05, mode=0.12, high=0.30),
            ruin_hazard=0.01,
            ruin_loss=0.9,
        )
    # crypto_realistic (the default) and low_equity_returns.
    return _realistic_crypto(0.15, 0.18, f"judgement within {_CRYPTO_RANGE}")


#: Points taken off the US, international and EM equity expected returns by
#: the ``"low_equity_returns"`` preset (*est.*).
LOW_EQUITY_CUT = 0.02
_EQUITIES = ("us_equity", "intl_equity", "em_equity")


#: The smoothed private assets and why (*est.*; module docstring).
_SMOOTHED = ("private_equity", "private_credit")
_SMOOTHING_NOTE = (
    "; reported NAV appraisal-smoothed, est.: quarterly Geltner coefficient 0.5 (monthly 0.794) "
    "on the LTCMA's de-smoothed (economic) volatility"
)


def _smoothed(asset: AssetClass) -> AssetClass:
    fields = asset.model_dump()
    fields["smoothing"] = PRIVATE_SMOOTHING
    fields["smoothing_periods_per_year"] = PRIVATE_SMOOTHING_PERIODS_PER_YEAR
    fields["source"] = asset.source + _SMOOTHING_NOTE
    return AssetClass(**fields)


def _public_and_private(preset: str) -> tuple[AssetClass, ...]:
    if preset == "lognormal":
        return _PUBLIC_AND_PRIVATE
    out = []
    for asset in _PUBLIC_AND_PRIVATE:
        if asset.name in _SMOOTHED:
            asset = _smoothed(asset)
        if preset == "low_equity_returns" and asset.name in _EQUITIES:
            mean = round(asset.expected_return - LOW_EQUITY_CUT, 10)
            fields = asset.model_dump()
            fields["expected_return"] = mean
            fields["source"] = (
                f"est.: low_equity_returns stress, {LOW_EQUITY_CUT:.0%} below the "
                f"{_LTCMA} arithmetic {asset.expected_return * 100:.1f}% "
                f"(now {mean * 100:.1f}%); " + asset.source
            )
            asset = AssetClass(**fields)
        out.append(asset)
    return tuple(out)


@lru_cache(maxsize=len(PRESETS))
def _build(preset: str) -> MarketModel:
    realistic = realistic_crypto_correlations() if preset != "lognormal" else {}
    return MarketModel.from_assets(
        (*_public_and_private(preset), *_crypto(preset)),
        {**_PUBLISHED_CORRELATIONS, **_JUDGED_CORRELATIONS, **realistic},
        default_correlation=0.0,
        inflation=InflationModel(),
    )


def default_markets(preset: str = DEFAULT_PRESET) -> MarketModel:
    """The library's default 13-asset market, with cited sources.

    Parameters
    ----------
    preset : {"crypto_realistic", "lognormal", "base", "crypto_bull", "crypto_bear", \
"low_equity_returns", "crypto_uncertain", "crypto_history"}
        Which assumptions to use; see the module docstring. The default,
        ``"crypto_realistic"``, puts bitcoin and ether on the realistic
        regime-switching model (fat tails, joint crashes, a 75% drawdown
        within 8 years in about half the scenarios) and reports private
        equity and private credit at appraisal-smoothed values;
        ``"lognormal"`` (also ``"base"``, the default until issue 16) is
        every asset the exact lognormal, nothing smoothed, for checks
        against closed forms; ``crypto_history`` the record's character
        (2016-25); the others change one judgement of the default.

    Returns
    -------
    MarketModel
        Assets, in order: cash, us_bonds, us_equity, intl_equity, em_equity,
        real_estate, infrastructure, commodities, gold, private_equity,
        private_credit, bitcoin, ether; US inflation 2.5% / 1.8%. Each
        asset's ``source`` cites its numbers. The model is immutable; derive
        variants with ``subset``, ``replace_asset`` or ``with_correlation``.
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; available: {', '.join(PRESETS)}")
    return _build(PRESET_ALIASES.get(preset, preset))
