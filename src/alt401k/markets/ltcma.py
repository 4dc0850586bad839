"""The eleven public and private asset classes of the default market, each with its citation.

Figures of J.P. Morgan's 2026 Long-Term Capital Market Assumptions and ICI
fund expenses, as tabulated in :mod:`alt401k.markets.presets`' docstring;
the crypto assets, which the presets vary, are built there.
"""

from __future__ import annotations

from alt401k.markets.asset import AssetClass

__all__: list[str] = []

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
