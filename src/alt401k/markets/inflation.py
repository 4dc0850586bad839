"""Inflation: a lognormal price index, optionally persistent (AR(1)) and tied to assets.

:class:`InflationModel` is the specification; the sampler
(:mod:`alt401k.markets.sampling`) draws its paths on a stream of their own.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field, field_validator

from alt401k.markets.asset import _SPEC_CONFIG, _check_source
from alt401k.markets.lognormal import _ENTRY_TOL, lognormal_params

__all__ = ["InflationModel"]


class InflationModel(BaseModel):
    """Annual inflation as a lognormal price index, optionally persistent and tied to assets.

    Parameters
    ----------
    mean : float
        Arithmetic annual mean of simple inflation, fraction; > -0.5.
    volatility : float
        Annual standard deviation of simple inflation, fraction; >= 0.
    source : str
        Where the numbers come from.
    persistence : float
        How much of this period's inflation surprise carries into the next
        period: the AR(1) coefficient ``phi`` of per-period log inflation
        around its mean, in [0, 1). 0 (default): independent periods.
    asset_correlation : tuple of (str, float) pairs
        Correlation, each in [-1, 1], of the inflation innovation with the
        named asset's standardized normal shock in the same period (e.g.
        ``(("us_bonds", -0.3),)``: inflation surprises come with bond
        losses). Names must be assets of the :class:`MarketModel`; the
        correlations must be jointly attainable. ``()`` (default):
        inflation independent of assets.

    Notes
    -----
    With the defaults the per-period inflation rate is ``exp(m + s z) - 1``
    with ``z`` iid standard normal and ``m``, ``s`` from the construction in
    the module Notes, so annual compounded inflation has mean ``mean`` and
    std ``volatility`` exactly.

    Otherwise, with ``n`` periods a year, per-period log inflation is
    ``x_t = m_phi + e_t`` with

    .. math::

        e_0 = s\\,\\eta_0, \\qquad
        e_t = \\phi\\, e_{t-1} + \\sqrt{1 - \\phi^2}\\, s\\,\\eta_t ,

        \\eta_t = \beta' w_t + \\sqrt{1 - \beta' c}\\; z_t, \\qquad
        R_N \beta = c ,

    where ``w_t`` are the standardized log-return shocks of the named assets
    (their log returns at the stated mean and volatility, divided by their
    standard deviation), ``R_N`` their log-return correlation, ``c`` the
    stated correlations and ``z_t`` the inflation stream's own normal (for
    one named asset, ``eta = c w + sqrt(1 - c^2) z``). Each scenario starts
    in the stationary distribution, so ``Var(e_t) = s^2``, today's
    per-period log variance, in every period, and
    ``corr(x_t, x_{t+1}) = phi`` exactly. The mean is shifted so that
    annual compounded inflation has mean ``mean`` exactly in every year:

    .. math::

        m_\\phi = \\ln(1 + \text{mean})/n - V_n / (2n), \\qquad
        V_n = s^2 \\Big[n + 2 \\sum_{k=1}^{n-1} (n - k)\\,\\phi^k\\Big]

    (``V_n`` is the variance of a year's log inflation; ``m_phi = m`` when
    ``phi = 0``). Not matched: the annual volatility, which is
    ``sqrt(expm1(V_n)) (1 + mean)``, above ``volatility`` when ``phi > 0``
    (persistence makes a year's surprises add up), and the correlation of
    the inflation *level* ``x_t`` with an asset shock, which is
    ``sqrt(1 - phi^2)`` times the stated innovation correlation after the
    first period. With a volatility schedule or an uncertain expected
    return on a named asset, ``w_t`` stays the shock at the stated
    parameters, so the correlation with that asset's actual shock can
    differ slightly. The recursion runs across years, and the shocks keep
    the per-year seeding: a 5-year run is the first 5 years of a 10-year
    run.
    """

    model_config = _SPEC_CONFIG

    mean: float = Field(default=0.025, gt=-0.5)
    volatility: float = Field(default=0.018, ge=0.0)
    source: str = "J.P. Morgan 2026 LTCMA: US inflation 2.5% (compound and arithmetic), vol 1.8%"
    persistence: float = 0.0
    asset_correlation: tuple[tuple[str, float], ...] = ()

    @field_validator("source")
    @classmethod
    def _source_not_empty(cls, value: str) -> str:
        return _check_source(value)

    @field_validator("persistence")
    @classmethod
    def _persistence_range(cls, value: float) -> float:
        if not 0.0 <= value < 1.0:
            raise ValueError(f"persistence must be in [0, 1) (an AR(1) coefficient); got {value}")
        return value

    @field_validator("asset_correlation")
    @classmethod
    def _asset_correlation_valid(
        cls, value: tuple[tuple[str, float], ...]
    ) -> tuple[tuple[str, float], ...]:
        names = [name for name, _ in value]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(
                "asset_correlation names each asset once; duplicated: "
                + ", ".join(map(repr, duplicates))
            )
        for name, rho in value:
            if not -1.0 <= rho <= 1.0:
                raise ValueError(f"asset_correlation for {name!r} must be in [-1, 1]; got {rho}")
        total = sum(rho * rho for _, rho in value)
        if total > 1.0 + _ENTRY_TOL:
            raise ValueError(
                "asset_correlation: the squared correlations must sum to at most 1; "
                f"got {total:.6g} from {value}"
            )
        return value

    @property
    def is_independent(self) -> bool:
        """True for the default iid inflation, independent of assets."""
        return self.persistence == 0.0 and not self.asset_correlation

    def ar1_log_params(self, periods_per_year: int = 12) -> tuple[float, float]:
        """Per-period log mean ``m_phi`` and unconditional log sd ``s`` (see Notes)."""
        _, s = self.log_params(periods_per_year)
        n = int(periods_per_year)
        phi = self.persistence
        lags = np.arange(1, n, dtype=np.float64)
        year_var = s * s * (n + 2.0 * float(np.sum((n - lags) * phi**lags)))
        return float(np.log1p(self.mean) / n - year_var / (2.0 * n)), s

    def log_params(self, periods_per_year: int = 12) -> tuple[float, float]:
        """Per-period log mean and log standard deviation ``(m, s)``."""
        m, factor = lognormal_params([self.mean], [self.volatility], [[1.0]], periods_per_year)
        return float(m[0]), float(factor[0, 0])
