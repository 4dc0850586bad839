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

Presets (:data:`PRESETS`) differ only in the crypto assets; correlations are
the same in all three:

* ``"base"`` -- the table above: bitcoin 15% / 55%, ether 18% / 75%, inside
  CALIBRATION's judgement range (mean 12-20%, vol ~55% falling to ~40%;
  ether's realised vol has run ~1.4x bitcoin's, 83% vs 61% in 2020-25).
* ``"crypto_bull"`` -- stress variant at the top of the range: bitcoin
  20% / 60%, ether 25% / 85%.
* ``"crypto_bear"`` -- stress variant below the range: bitcoin 5% / 60%,
  ether 3% / 85%.

Means are arithmetic; at these volatilities the compound (median) annual
return of the lognormal model, ``(1 + mu) / sqrt(1 + (sigma / (1 + mu))**2) - 1``,
is much lower: bitcoin 3.8% (base), 7.3% (bull), -8.8% (bear); ether -0.4%,
3.4%, -20.6%. (US large cap: 6.7%, matching the LTCMA compound figure.)

Correlations of annual returns. Published (JPM 2026 LTCMA): large cap with
agg 0.30, EAFE 0.87, EM 0.73, core RE 0.35, infra 0.47, commodities 0.42,
PE 0.75, direct lending 0.55; agg-core RE -0.15; PE-direct lending 0.66;
core RE-PE 0.32. Crypto judgement (*est.*, CALIBRATION: ~0.4-0.55 with
equities; S&P 500 monthly 0.56 BTC / 0.62 ETH in 2020-25, ~0 before 2020;
BTC-ETH daily 0.83): bitcoin-us_equity 0.45, ether-us_equity 0.50,
bitcoin-ether 0.80. All other pairs are judgement, documented next to each
group in :data:`_JUDGED_CORRELATIONS`; the full matrix has smallest
eigenvalue ~0.10 (and its lognormal transform ~0.097), so it is positive
definite with a margin.
"""

from __future__ import annotations

from functools import lru_cache

from alt401k.markets.model import AssetClass, InflationModel, MarketModel

__all__ = ["PRESETS", "default_markets"]

#: Names accepted by :func:`default_markets`.
PRESETS: tuple[str, ...] = ("base", "crypto_bull", "crypto_bear")

_LTCMA = "J.P. Morgan 2026 LTCMA"
_EQUITY_FEE = "expense: ICI 401(k) equity mutual funds 0.31% (2023, asset-weighted)"
_CRYPTO_RANGE = "CALIBRATION crypto range (12-20% mean, ~55% vol falling toward ~40%)"


def _ltcma(label: str, compound: float, arithmetic: float, vol: float) -> str:
    return f"{_LTCMA} {label} (compound {compound}%, arithmetic {arithmetic}%, vol {vol}%)"


_PUBLIC_AND_PRIVATE: tuple[AssetClass, ...] = (
    AssetClass(
        name="cash",
        label="US cash",
        expected_return=0.031,
        volatility=0.007,
        expense_ratio=0.0010,
        source=_ltcma("US cash", 3.1, 3.1, 0.7)
        + "; expense est.: ~0.10% for a money-market / stable-value option",
    ),
    AssetClass(
        name="us_bonds",
        label="US aggregate bonds",
        expected_return=0.049,
        volatility=0.048,
        expense_ratio=0.0022,
        source=_ltcma("US aggregate bonds", 4.8, 4.9, 4.8)
        + "; expense: ICI 401(k) bond mutual funds 0.22% (2023, asset-weighted)",
    ),
    AssetClass(
        name="us_equity",
        label="US large cap equity",
        expected_return=0.079,
        volatility=0.165,
        expense_ratio=0.0031,
        source=_ltcma("US large cap", 6.7, 7.9, 16.5) + "; " + _EQUITY_FEE,
    ),
    AssetClass(
        name="intl_equity",
        label="International developed equity (EAFE)",
        expected_return=0.089,
        volatility=0.176,
        expense_ratio=0.0031,
        source=_ltcma("EAFE equity", 7.5, 8.9, 17.6) + "; " + _EQUITY_FEE,
    ),
    AssetClass(
        name="em_equity",
        label="Emerging-market equity",
        expected_return=0.097,
        volatility=0.209,
        expense_ratio=0.0031,
        source=_ltcma("EM equity", 7.8, 9.7, 20.9) + "; " + _EQUITY_FEE,
    ),
    AssetClass(
        name="real_estate",
        label="US core real estate",
        expected_return=0.088,
        volatility=0.114,
        expense_ratio=0.0050,
        source=_ltcma("US core real estate", 8.2, 8.8, 11.4)
        + "; expense est.: 0.50%, between a REIT index fund and a core real-estate CIT",
    ),
    AssetClass(
        name="infrastructure",
        label="Global core infrastructure",
        expected_return=0.070,
        volatility=0.103,
        expense_ratio=0.0050,
        source=_ltcma("global core infrastructure", 6.5, 7.0, 10.3)
        + "; expense est.: 0.50% for a listed/core infrastructure fund",
    ),
    AssetClass(
        name="commodities",
        label="Commodities",
        expected_return=0.062,
        volatility=0.183,
        expense_ratio=0.0040,
        source=_ltcma("commodities", 4.6, 6.2, 18.3)
        + "; expense est.: 0.40% for a broad commodity fund",
    ),
    AssetClass(
        name="gold",
        label="Gold",
        expected_return=0.068,
        volatility=0.167,
        expense_ratio=0.0025,
        source=_ltcma("gold", 5.5, 6.8, 16.7) + "; expense est.: 0.25% for a physical gold ETF",
    ),
    AssetClass(
        name="private_equity",
        label="Private equity",
        expected_return=0.119,
        volatility=0.198,
        expense_ratio=0.0100,
        source=_ltcma("private equity", 10.2, 11.9, 19.8)
        + ", de-smoothed vol; expense est.: private-equity sleeve about 1% or more all-in",
    ),
    AssetClass(
        name="private_credit",
        label="Private credit (direct lending)",
        expected_return=0.086,
        volatility=0.140,
        expense_ratio=0.0100,
        source=_ltcma("direct lending", 7.7, 8.6, 14.0)
        + ", de-smoothed vol; expense est.: ~1% all-in, as the private-equity sleeve",
    ),
)


def _bitcoin(mean: float, vol: float, note: str) -> AssetClass:
    return AssetClass(
        name="bitcoin",
        label="Bitcoin",
        expected_return=mean,
        volatility=vol,
        expense_ratio=0.0025,
        source=f"est.: {note} (mean {mean:.0%}, vol {vol:.0%}); realised vol 68% (2016-25), "
        "61% (2020-25); expense: spot bitcoin ETFs IBIT/FBTC 0.25%",
    )


def _ether(mean: float, vol: float, note: str) -> AssetClass:
    return AssetClass(
        name="ether",
        label="Ether",
        expected_return=mean,
        volatility=vol,
        expense_ratio=0.0025,
        source=f"est.: {note} (mean {mean:.0%}, vol {vol:.0%}); realised vol 97% (2016-25), "
        "83% (2020-25); expense est.: as spot bitcoin ETFs 0.25%",
    )


_CRYPTO: dict[str, tuple[AssetClass, AssetClass]] = {
    "base": (
        _bitcoin(0.15, 0.55, f"judgement within {_CRYPTO_RANGE}"),
        _ether(0.18, 0.75, f"judgement within {_CRYPTO_RANGE}, vol scaled up as realised"),
    ),
    "crypto_bull": (
        _bitcoin(0.20, 0.60, f"crypto_bull stress variant at the top of {_CRYPTO_RANGE}"),
        _ether(0.25, 0.85, f"crypto_bull stress variant above {_CRYPTO_RANGE}"),
    ),
    "crypto_bear": (
        _bitcoin(0.05, 0.60, f"crypto_bear stress variant below {_CRYPTO_RANGE}"),
        _ether(0.03, 0.85, f"crypto_bear stress variant below {_CRYPTO_RANGE}"),
    ),
}

#: Published J.P. Morgan 2026 LTCMA correlations (large cap = us_equity,
#: agg = us_bonds, EAFE = intl_equity, core RE = real_estate, infra =
#: infrastructure, PE = private_equity, direct lending = private_credit).
_PUBLISHED_CORRELATIONS: dict[tuple[str, str], float] = {
    ("us_equity", "us_bonds"): 0.30,
    ("us_equity", "intl_equity"): 0.87,
    ("us_equity", "em_equity"): 0.73,
    ("us_equity", "real_estate"): 0.35,
    ("us_equity", "infrastructure"): 0.47,
    ("us_equity", "commodities"): 0.42,
    ("us_equity", "private_equity"): 0.75,
    ("us_equity", "private_credit"): 0.55,
    ("us_bonds", "real_estate"): -0.15,
    ("private_equity", "private_credit"): 0.66,
    ("real_estate", "private_equity"): 0.32,
}

#: Judgement correlations (*est.*). Cash is left at 0 with everything (the
#: default): its 0.7% vol makes any correlation immaterial.
_JUDGED_CORRELATIONS: dict[tuple[str, str], float] = {
    # Crypto with US equity and each other: CALIBRATION's judgement range
    # (0.4-0.55 with equities; monthly S&P 500 0.56 BTC / 0.62 ETH in 2020-25,
    # ~0 before 2020; BTC-ETH daily 0.83 in 2020-25).
    ("bitcoin", "us_equity"): 0.45,
    ("ether", "us_equity"): 0.50,
    ("bitcoin", "ether"): 0.80,
    # Bonds: a little below the published 0.30 with US large cap for other
    # equity and private assets; gold tracks real yields (0.25); commodities
    # are an inflation hedge (slightly negative); crypto barely linked (0.10).
    ("us_bonds", "intl_equity"): 0.25,
    ("us_bonds", "em_equity"): 0.25,
    ("us_bonds", "infrastructure"): 0.20,
    ("us_bonds", "commodities"): -0.05,
    ("us_bonds", "gold"): 0.25,
    ("us_bonds", "private_equity"): 0.15,
    ("us_bonds", "private_credit"): 0.25,
    ("us_bonds", "bitcoin"): 0.10,
    ("us_bonds", "ether"): 0.10,
    # International developed equity: close to EM (0.80), otherwise like US
    # large cap but a notch lower; crypto 0.35-0.40, below its US-equity link.
    ("intl_equity", "em_equity"): 0.80,
    ("intl_equity", "real_estate"): 0.35,
    ("intl_equity", "infrastructure"): 0.50,
    ("intl_equity", "commodities"): 0.50,
    ("intl_equity", "gold"): 0.15,
    ("intl_equity", "private_equity"): 0.70,
    ("intl_equity", "private_credit"): 0.55,
    ("intl_equity", "bitcoin"): 0.35,
    ("intl_equity", "ether"): 0.40,
    # Emerging markets: more commodity-linked (0.55), otherwise as EAFE.
    ("em_equity", "real_estate"): 0.30,
    ("em_equity", "infrastructure"): 0.50,
    ("em_equity", "commodities"): 0.55,
    ("em_equity", "gold"): 0.20,
    ("em_equity", "private_equity"): 0.65,
    ("em_equity", "private_credit"): 0.55,
    ("em_equity", "bitcoin"): 0.35,
    ("em_equity", "ether"): 0.40,
    # Core real estate: a real asset, moderately linked to infrastructure
    # (0.45) and private credit (0.35), weakly to commodities, gold, crypto.
    ("real_estate", "infrastructure"): 0.45,
    ("real_estate", "commodities"): 0.20,
    ("real_estate", "gold"): 0.05,
    ("real_estate", "private_credit"): 0.35,
    ("real_estate", "bitcoin"): 0.20,
    ("real_estate", "ether"): 0.20,
    # Infrastructure: equity-like cash flows, somewhat inflation-linked.
    ("infrastructure", "commodities"): 0.35,
    ("infrastructure", "gold"): 0.10,
    ("infrastructure", "private_equity"): 0.45,
    ("infrastructure", "private_credit"): 0.45,
    ("infrastructure", "bitcoin"): 0.25,
    ("infrastructure", "ether"): 0.25,
    # Commodities: gold is part of the complex (0.40); risk-on with private
    # assets and crypto (0.30-0.35).
    ("commodities", "gold"): 0.40,
    ("commodities", "private_equity"): 0.35,
    ("commodities", "private_credit"): 0.35,
    ("commodities", "bitcoin"): 0.30,
    ("commodities", "ether"): 0.30,
    # Gold: a weak diversifier against equities (~0.1) and private assets
    # (0.05); "digital gold" link to crypto kept modest (0.15-0.20).
    ("gold", "us_equity"): 0.10,
    ("gold", "private_equity"): 0.05,
    ("gold", "private_credit"): 0.05,
    ("gold", "bitcoin"): 0.20,
    ("gold", "ether"): 0.15,
    # Private assets with crypto: other risk assets, 0.30-0.40.
    ("private_equity", "bitcoin"): 0.40,
    ("private_equity", "ether"): 0.40,
    ("private_credit", "bitcoin"): 0.30,
    ("private_credit", "ether"): 0.30,
}


@lru_cache(maxsize=len(PRESETS))
def _build(preset: str) -> MarketModel:
    return MarketModel.from_assets(
        (*_PUBLIC_AND_PRIVATE, *_CRYPTO[preset]),
        {**_PUBLISHED_CORRELATIONS, **_JUDGED_CORRELATIONS},
        default_correlation=0.0,
        inflation=InflationModel(),
    )


def default_markets(preset: str = "base") -> MarketModel:
    """The library's default 13-asset market, with cited sources.

    Parameters
    ----------
    preset : {"base", "crypto_bull", "crypto_bear"}
        Which crypto assumptions to use; see the module docstring.

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
    return _build(preset)
