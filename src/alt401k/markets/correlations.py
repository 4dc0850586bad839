"""Correlations of the default market, with sources: published, judged, and the realistic crypto's.

:data:`_PUBLISHED_CORRELATIONS` are J.P. Morgan's 2026 LTCMA figures,
:data:`_JUDGED_CORRELATIONS` judgement (*est.*, with the reason of each
group in a comment), and :func:`realistic_crypto_correlations` the shock
correlations that give the stated annual ones under the regime chain of the
realistic crypto presets (:mod:`alt401k.markets.presets`).
"""

from __future__ import annotations

__all__ = ["BITCOIN_SHOCK_FACTOR", "ETHER_SHOCK_FACTOR", "realistic_crypto_correlations"]

#: Factor from stated to shock correlations of bitcoin with non-crypto assets in the
#: realistic presets (*est.*, calibrated by simulation): the regime chain is
#: independent of the markets and dilutes annual correlations by about 1 / 1.36.
BITCOIN_SHOCK_FACTOR = 1.36
#: The same for ether (its larger volatility share in the diffusion dilutes less).
ETHER_SHOCK_FACTOR = 1.22
#: Shock correlation of bitcoin and ether in the realistic presets: the shared
#: chain adds to it, and 0.735 gives the stated annual 0.80.
_REALISTIC_BTC_ETH = 0.735

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


def realistic_crypto_correlations() -> dict[tuple[str, str], float]:
    """Shock correlations of bitcoin and ether in the regime presets (*est.*).

    Each stated correlation of bitcoin (ether) with a non-crypto asset times
    :data:`BITCOIN_SHOCK_FACTOR` (:data:`ETHER_SHOCK_FACTOR`), rounded to
    three decimals, and bitcoin-ether 0.735: the annual correlations of the
    realistic model then equal the stated ones to about 0.01.
    """
    out = {}
    for (a, b), rho in _JUDGED_CORRELATIONS.items():
        pair = {a, b}
        if pair == {"bitcoin", "ether"}:
            out[(a, b)] = _REALISTIC_BTC_ETH
        elif "bitcoin" in pair:
            out[(a, b)] = round(rho * BITCOIN_SHOCK_FACTOR, 3)
        elif "ether" in pair:
            out[(a, b)] = round(rho * ETHER_SHOCK_FACTOR, 3)
    return out
