"""Flows in market context: the asset's size, its new supply, other buyers, price impact.

:class:`MarketContext` states, with a date and a source for every starting
figure, what the pool's flows are compared with; :func:`context_table`
(``PoolResults.market_context()``) puts each year's flows and holdings next to
them on every simulated path, and :func:`patient_capital` (``PoolResults.
patient_capital()``) tests the claim that retirement money buys when the
asset falls.

Definitions (year ``y`` of a path, ``P_y`` the asset's price relative to the
start from the run's own annual returns, gross of fund expenses):

* market value ``V_y = V_0 P_y S_y / S_0``, with supply ``S_y`` grown by
  issuance; a flow is compared with the year's average value
  ``sqrt(V_{y-1} V_y)``, holdings with ``V_y``;
* issuance in units ``I_y`` = the issuance rate integrated over the calendar
  year, halving at each date in ``halvings``; in dollars at the year's average
  price ``I_y p_0 sqrt(P_{y-1} P_y)``;
* other buyers: a stated dollar flow per calendar year (history where
  recorded, an assumption after it);
* private assets: the pool's net flow against the asset class's fund-raising
  in the year (history, then an assumption), and the pool's redemptions --
  its gross sales ``R_y``, the sum of the components that sell in the year --
  against a semiliquid fund's quarterly redemption capacity: ``(R_y / 4) /
  (g H_y)`` with ``g`` the redemption limit a quarter (typically 5% of NAV)
  and ``H_y`` what the sales came out of, the pool's holdings at the end of
  the year plus ``R_y`` (above 1, the pool's own redemptions would hit the
  gate if its money sat in one such fund; selling everything in a year is
  ``1 / (4 g)``, 5 at a 5% gate), and
  ``(R_y / 4) / (g W_y)`` against the whole semiliquid market ``W_y`` (its
  value at ``as_of`` following the path's price);
* price impact (report, no feedback): the inelastic-markets view, a year's
  net flow ``f_y`` moves the log price by ``M f_y / sqrt(V_{y-1} V_y)``,
  decaying with half-life ``h``: ``I_y = sum_{k <= y} M f_k / V_k 2^{-(y-k)/h}``;
  the price with the pool's flows is ``exp(I_y)`` times the path's
  (:func:`decayed_impact`).

The starting figures are taken as the values at the start of the run.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from typing import Any

import numpy as np
from pydantic import Field, field_validator, model_validator

from ._spec import Spec
from .uncertain import Uncertain, Uniform, check_uncertain_range

__all__ = ["MarketContext", "decayed_impact"]

_DAYS = 365.25


class MarketContext(Spec):
    """What the pool's flows into an asset are measured against, each figure dated and sourced.

    Parameters
    ----------
    asset : str
        The asset the figures describe.
    market_value : float
        Market value of the asset at ``as_of``, dollars, > 0.
    as_of : str
        The date of the starting figures, ISO ``YYYY-MM-DD`` (required).
    supply : float, optional
        Units outstanding at ``as_of`` (coins), > 0; with ``issuance_per_day``.
    issuance_per_day : float
        New units a day at ``as_of``, >= 0 (0: no issuance).
    halvings : tuple of float
        Fractional calendar years at which issuance halves, increasing.
    other_flows : tuple of (int, float)
        Net dollar flows of other buyers by calendar year (history), e.g. US
        spot bitcoin ETFs.
    other_flows_forward : float
        Other buyers' net dollar flow a year after the last recorded year (a
        stated assumption).
    other_flows_label : str
        Who the other buyers are.
    other_flows_return_correlation : float
        The benchmark for "patient capital": the correlation, in [-1, 1], of
        other buyers' flows (as a share of their holdings) with the year's
        return (a stated assumption).
    impact_multiplier : float or distribution
        Price multiplier of the inelastic-markets view: a net flow of 1% of
        market value moves the price by ``multiplier`` %; in [0, 100]; a
        distribution is drawn once per scenario.
    impact_half_life : float
        Years for a flow's price impact to halve, > 0.
    fundraising : tuple of (int, float)
        Capital raised by the asset class's funds by calendar year, dollars
        >= 0 (history), for private assets.
    fundraising_forward : float, optional
        Fund-raising a year after the last recorded year, dollars >= 0 (a
        stated assumption); None: no fund-raising comparison.
    semiliquid_value : float, optional
        Net asset value of the semiliquid (evergreen) funds the pool's
        redemptions are compared with, dollars > 0 at ``as_of``.
    redemption_limit : float, optional
        A semiliquid fund's redemption capacity, as a share of its net asset
        value a quarter, in (0, 1] (typically 5%); None (the default, e.g.
        for an exchange-traded asset): no gate to compare with.
    sources : dict of str to str
        Where each figure comes from.
    """

    asset: str = "bitcoin"
    market_value: float = Field(gt=0.0, le=1e15)
    as_of: str
    supply: float | None = Field(default=None, gt=0.0)
    issuance_per_day: float = Field(default=0.0, ge=0.0)
    halvings: tuple[float, ...] = ()
    other_flows: tuple[tuple[int, float], ...] = ()
    other_flows_forward: float = 0.0
    other_flows_label: str = "other buyers"
    other_flows_return_correlation: float = Field(default=0.0, ge=-1.0, le=1.0)
    impact_multiplier: Uncertain = 0.0
    impact_half_life: float = Field(default=1.0, gt=0.0, le=100.0)
    fundraising: tuple[tuple[int, float], ...] = ()
    fundraising_forward: float | None = Field(default=None, ge=0.0)
    semiliquid_value: float | None = Field(default=None, gt=0.0, le=1e15)
    redemption_limit: float | None = Field(default=None, gt=0.0, le=1.0)
    sources: dict[str, str] = Field(default_factory=dict)

    @field_validator("other_flows", "fundraising")
    @classmethod
    def _by_year(
        cls, value: tuple[tuple[int, float], ...], info: Any
    ) -> tuple[tuple[int, float], ...]:
        years = [year for year, _ in value]
        if any(b <= a for a, b in itertools.pairwise(years)):
            raise ValueError(f"{info.field_name} must list each calendar year once, in order")
        if info.field_name == "fundraising" and any(dollars < 0 for _, dollars in value):
            raise ValueError("fundraising must be dollars raised, >= 0 in every year")
        return value

    @field_validator("as_of")
    @classmethod
    def _date(cls, value: str) -> str:
        try:
            _dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"as_of must be the date of the starting figures, YYYY-MM-DD; got {value!r}"
            ) from None
        return value

    @field_validator("impact_multiplier")
    @classmethod
    def _multiplier(cls, value: Uncertain) -> Uncertain:
        check_uncertain_range("impact_multiplier", value, 0.0, 100.0)
        return value

    @field_validator("halvings")
    @classmethod
    def _halvings(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(b <= a for a, b in itertools.pairwise(value)):
            raise ValueError(f"halvings must be increasing dates; got {value}")
        return value

    @model_validator(mode="after")
    def _supply_with_issuance(self) -> MarketContext:
        if self.issuance_per_day > 0 and self.supply is None:
            raise ValueError("issuance_per_day needs supply (units outstanding at as_of)")
        if self.semiliquid_value is not None and self.redemption_limit is None:
            raise ValueError(
                "semiliquid_value needs redemption_limit (the share of net asset value a "
                "semiliquid fund redeems a quarter, e.g. 0.05)"
            )
        return self

    @property
    def start(self) -> float:
        """``as_of`` as a fractional calendar year."""
        day = _dt.date.fromisoformat(self.as_of)
        return day.year + (day.timetuple().tm_yday - 1) / _DAYS

    # --- presets ------------------------------------------------------------

    @classmethod
    def bitcoin(cls) -> MarketContext:
        """Bitcoin at the start of 2026, US spot ETF flows, and an uncertain price impact.

        ========================  ======================================  =====================
        figure                    value                                   source
        ========================  ======================================  =====================
        price, 2025-12-31         about $87,500 (*est.*)                  public daily prices
        supply                    about 19.97M BTC                        block height (*est.*)
        market value              $1.75T (price x supply)                 derived
        issuance                  3.125 BTC a block, 144 blocks a day:    protocol; halving
                                  450 BTC a day since April 2024          of April 20, 2024
        halvings                  about every 210,000 blocks (~4 years):  protocol (*est.*
                                  2028.3, 2032.3, 2036.3, 2040.3          dates)
        US spot ETF net flows     2024 $35.2B; 2025 $21.5B (*est.*);      issuer data as
                                  then $20B a year (assumption)           reported (*est.*)
        impact multiplier         uniform 2-10 (*est.*)                   Gabaix & Koijen
                                                                          (2021): ~5 for US
                                                                          equities; crypto
                                                                          estimates vary widely
        impact half-life          1 year (*est.*)                         judgement
        ETF flows vs returns      correlation +0.3 (*est.*: trend-        judgement
                                  chasing retail flows)
        ========================  ======================================  =====================
        """
        price, supply = 87_500.0, 19.97e6
        return cls(
            asset="bitcoin",
            market_value=price * supply,
            as_of="2026-01-01",
            supply=supply,
            issuance_per_day=3.125 * 144,
            halvings=(2028.3, 2032.3, 2036.3, 2040.3),
            other_flows=((2024, 35.2e9), (2025, 21.5e9)),
            other_flows_forward=20e9,
            other_flows_label="US spot bitcoin ETFs",
            other_flows_return_correlation=0.3,
            impact_multiplier=Uniform(low=2.0, high=10.0),
            impact_half_life=1.0,
            sources={
                "market_value": "*est.*: ~$87,500 x ~19.97M BTC at the end of 2025",
                "issuance": "protocol: 3.125 BTC a block since the April 2024 halving",
                "other_flows": "*est.*: US spot bitcoin ETF net flows as reported, 2024-25",
                "impact_multiplier": "*est.*: Gabaix-Koijen inelastic markets (~5, equities)",
            },
        )

    @classmethod
    def private_equity(cls) -> MarketContext:
        """Private equity: the class's size, its fund-raising, a semiliquid fund's gate.

        ========================  ======================================  =====================
        figure                    value                                   source
        ========================  ======================================  =====================
        market value, end 2024    $5.8T, global PE assets (*est.*: the    Preqin via secondary
                                  end-2023 figure, held flat)             reports
        fund-raising              2023 $600.2B; 2024 $492.3B; then        PitchBook 2024 Global
                                  $500B a year (assumption)               Private Market
                                                                          Fundraising Report
        semiliquid funds          $450B, all asset classes, open to       Morningstar (June
                                  non-qualified purchasers, June 2025     2025, as reported)
        redemption limit          5% of net asset value a quarter         typical semiliquid
                                                                          terms (CALIBRATION)
        price impact              none: appraised values, no price to     --
                                  push (multiplier 0)
        fund-raising vs returns   correlation +0.2 (*est.*: commitments   judgement
                                  fell 2022-24 as distributions slowed)
        ========================  ======================================  =====================
        """
        return cls._private(
            "private_equity",
            5.8e12,
            ((2023, 600.2e9), (2024, 492.3e9)),
            500e9,
            market_value_source="*est.*: ~$5.8T global PE assets (Preqin, end 2023, held flat)",
            fundraising_source="PitchBook 2024 Global Private Market Fundraising Report",
        )

    @classmethod
    def private_credit(cls) -> MarketContext:
        """Private credit: the class's size, its fund-raising, a semiliquid fund's gate.

        ========================  ======================================  =====================
        figure                    value                                   source
        ========================  ======================================  =====================
        market value, end 2024    $2.0T (*est.*: estimates range          IMF GFSR (April
                                  $1.7T-$3T; the IMF's "just over $2T")   2024)
        fund-raising              above $200B a year 2020-2023 (2023      PitchBook (Sep 2023,
                                  $200B *est.*); 2024 $200B (*est.*);     via Axios)
                                  then $200B a year (assumption)
        semiliquid funds          $450B, all asset classes, open to       Morningstar (June
                                  non-qualified purchasers, June 2025     2025, as reported)
        redemption limit          5% of net asset value a quarter (Blue   CALIBRATION: private-
                                  Owl's OBDC II halted redemptions in     credit stress (2026)
                                  Feb 2026)
        price impact              none: loans at appraised value          --
                                  (multiplier 0)
        fund-raising vs returns   correlation +0.2 (*est.*)               judgement
        ========================  ======================================  =====================
        """
        return cls._private(
            "private_credit",
            2.0e12,
            ((2023, 200e9), (2024, 200e9)),
            200e9,
            market_value_source="*est.*: ~$2T private credit assets (IMF GFSR, April 2024)",
            fundraising_source="*est.*: >$200B a year 2020-23 (PitchBook, via Axios, Sep 2023)",
        )

    @classmethod
    def _private(
        cls,
        asset: str,
        market_value: float,
        fundraising: tuple[tuple[int, float], ...],
        fundraising_forward: float,
        *,
        market_value_source: str,
        fundraising_source: str,
    ) -> MarketContext:
        """A private asset class at the start of 2025 against the whole semiliquid market."""
        return cls(
            asset=asset,
            market_value=market_value,
            as_of="2025-01-01",
            fundraising=fundraising,
            fundraising_forward=fundraising_forward,
            semiliquid_value=450e9,
            redemption_limit=0.05,
            other_flows_label=f"{asset.replace('_', ' ')} fund-raising",
            other_flows_return_correlation=0.2,
            sources={
                "market_value": market_value_source,
                "fundraising": fundraising_source,
                "semiliquid_value": "~$450B semiliquid funds, June 2025 (Morningstar, reported)",
                "redemption_limit": "5% of NAV a quarter: typical semiliquid fund terms",
            },
        )

    @classmethod
    def default_for(cls, asset: str) -> MarketContext:
        """The preset for ``asset``: bitcoin, private_equity or private_credit.

        Raises
        ------
        ValueError
            For other assets, which need a context passed in.
        """
        presets = {
            "bitcoin": cls.bitcoin,
            "private_equity": cls.private_equity,
            "private_credit": cls.private_credit,
        }
        if asset not in presets:
            raise ValueError(
                f"market_context needs a MarketContext for {asset!r}: presets exist for "
                f"{', '.join(presets)}; pass context=MarketContext(asset={asset!r}, ...)"
            )
        return presets[asset]()

    # --- series -------------------------------------------------------------

    def issuance_units(self, years: np.ndarray) -> np.ndarray:
        """New units issued in each calendar year of ``years`` (from ``as_of``), same shape."""
        years = np.asarray(years, dtype=float)
        out = np.zeros(years.shape)
        if self.issuance_per_day == 0.0:
            return out
        edges = np.array([self.start, *self.halvings])
        rates = self.issuance_per_day * 0.5 ** np.arange(edges.size)
        for i, rate in enumerate(rates):
            lo = edges[i]
            hi = edges[i + 1] if i + 1 < edges.size else np.inf
            overlap = np.clip(np.minimum(years + 1.0, hi) - np.maximum(years, lo), 0.0, None)
            out += rate * _DAYS * overlap
        return out

    def other_flow(self, years: Any) -> np.ndarray:
        """Other buyers' dollar flow in each calendar year: the record, then the assumption."""
        years = np.asarray(years, dtype=int)
        known = dict(self.other_flows)
        return np.array(
            [known.get(int(y), self.other_flows_forward) for y in years.ravel()]
        ).reshape(years.shape)

    def fundraising_flow(self, years: Any) -> np.ndarray:
        """The class's fund-raising in each calendar year: the record, then the assumption.

        NaN where neither exists (no ``fundraising_forward`` after the record).
        """
        years = np.asarray(years, dtype=int)
        known = dict(self.fundraising)
        forward = np.nan if self.fundraising_forward is None else self.fundraising_forward
        return np.array([known.get(int(y), forward) for y in years.ravel()], dtype=float).reshape(
            years.shape
        )


def decayed_impact(push: np.ndarray, half_life: float) -> np.ndarray:
    """The cumulative log-price impact ``I_y = sum_{k <= y} push_k 2^{-(y-k)/h}``.

    Parameters
    ----------
    push : ndarray, shape (S, Y)
        Each year's log-price push, ``M f_y / V_y``.
    half_life : float
        Years for a push to halve, ``h`` > 0.

    Returns
    -------
    ndarray, shape (S, Y)
    """
    decay = 0.5 ** (1.0 / half_life)
    impact = np.zeros_like(push)
    carried = np.zeros(push.shape[0])
    for y in range(push.shape[1]):
        carried = carried * decay + push[:, y]
        impact[:, y] = carried
    return impact
