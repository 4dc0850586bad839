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
* price impact (report, no feedback): the inelastic-markets view, a year's
  net flow ``f_y`` moves the log price by ``M f_y / sqrt(V_{y-1} V_y)``,
  decaying with half-life ``h``: ``I_y = sum_{k <= y} M f_k / V_k 2^{-(y-k)/h}``;
  the price with the pool's flows is ``exp(I_y)`` times the path's.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from typing import Any

import numpy as np
from pydantic import Field, field_validator, model_validator

from ._spec import Spec
from .uncertain import Uncertain, Uniform, check_uncertain_range

__all__ = ["MarketContext"]

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
    sources: dict[str, str] = Field(default_factory=dict)

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
