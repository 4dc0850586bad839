"""Asset classes, the correlated lognormal market model and its sampler.

The specification objects (:class:`AssetClass`, :class:`InflationModel`,
:class:`MarketModel`) are frozen pydantic models holding annual assumptions.
:meth:`MarketModel.sample` turns them into per-period simple-return paths
(:class:`~alt401k.markets.paths.ReturnPaths`); :func:`lognormal_params` is the
array-level function behind it, reusable by the engine.

Notes
-----
Per-period log returns are iid multivariate normal,
``X_t ~ N(m, L L')``, and the simple return is ``r_t = exp(X_t) - 1``. With
``n`` periods per year, ``mu_i`` the arithmetic annual mean and ``sigma_i`` the
annual standard deviation of simple returns, and ``v_i = sigma_i / (1 + mu_i)``:

.. math::

    s_i^2 = \\ln(1 + v_i^2) / n, \\qquad
    m_i = \\ln(1 + \\mu_i) / n - s_i^2 / 2,

    \\rho^{\\log}_{ij} = \\frac{\\ln(1 + \\rho_{ij} v_i v_j)}
                              {\\sqrt{\\ln(1 + v_i^2)\\,\\ln(1 + v_j^2)}} .

Then the annual gross return ``G_i = prod_{t in year} (1 + r_{t,i})`` is
lognormal with ``E[G_i] = 1 + mu_i``, ``Std[G_i] = sigma_i`` and
``corr(G_i, G_j) = rho_ij`` exactly, for any ``n``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    field_validator,
    model_validator,
)

from alt401k import _show
from alt401k._random import (
    RngLike,
    Stream,
    as_seed_sequence,
    by_blocks,
    check_sampling,
    keyed_period_draws,
    keyed_uniforms,
    sampled_period_normals,
    seed_record,
)
from alt401k._warnings import Alt401kWarning
from alt401k.markets.base import Draws, as_return_model
from alt401k.markets.paths import ReturnPaths
from alt401k.uncertain import Distribution

__all__ = ["NO_RUIN", "AssetClass", "InflationModel", "MarketModel", "lognormal_params"]

#: Tolerance for "exactly" symmetric / unit-diagonal correlation entries.
_ENTRY_TOL = 1e-12
#: Smallest eigenvalue still accepted as positive semi-definite.
_PSD_TOL = 1e-10
#: Largest number of periods per year accepted (daily).
_MAX_PERIODS_PER_YEAR = 366
#: Elements per chunk of the shock transform (512 KiB of float64: stays in cache).
_CHUNK_ELEMENTS = 2**16

_SPEC_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _warn(message: str) -> None:
    # stacklevel 4: this helper, the validator, pydantic's __init__, then the caller.
    warnings.warn(message, Alt401kWarning, stacklevel=4)


def _check_source(value: str) -> str:
    if not value.strip():
        raise ValueError("source must name where the numbers come from; got an empty string")
    return value


#: Above these an annual figure can only be a percentage typed as a fraction (5.0 is
#: 500% a year): an error, not the warning given from 30% (return) and 150% (volatility).
_IMPOSSIBLE_RETURN = 2.0
_IMPOSSIBLE_VOLATILITY = 5.0


class AssetClass(BaseModel):
    """One asset class with annual return assumptions.

    Parameters
    ----------
    name : str
        Identifier, lowercase ``^[a-z][a-z0-9_]*$`` (e.g. ``"us_equity"``).
    label : str
        Human-readable name for tables and plots.
    expected_return : float
        Arithmetic annual mean of simple returns, fraction (0.079 = 7.9%/yr);
        must be > -1. Values above 0.4 warn (:class:`Alt401kWarning`).
    volatility : float
        Annual standard deviation of simple returns, fraction; >= 0. Values
        above 2 warn. Zero gives deterministic returns.
    expense_ratio : float
        Annual fund expense, fraction of assets, in [0, 0.1). Not deducted
        from sampled returns; the engine applies it.
    source : str
        Where the numbers come from (a citation or "est.: ..." for judgement).
    volatility_schedule : tuple of (int, float) pairs, optional
        Annual volatility that changes with time: ``(years from the start,
        annual volatility)`` points, years strictly increasing and >= 0,
        volatilities >= 0 (above 1.5 warns). Year ``y`` of a path uses the
        straight-line interpolation between the points around it, the first
        point's value before it and the last point's value after it, e.g.
        ``((0, 0.55), (10, 0.40))``: bitcoin's volatility falling from 55% to
        40% over ten years, then staying there. The expected return stays
        ``expected_return`` every year. ``None`` (default): ``volatility``
        every year. ``volatility`` is still the stated figure used by
        :attr:`MarketModel.volatilities`.
    expected_return_uncertainty : distribution, optional
        Doubt about the expected return: a distribution (e.g.
        ``alt401k.adoption.Triangular(0.0, 0.15, 0.25)``; anything with
        ``.ppf`` and ``.mean``) from which each scenario draws its own
        arithmetic annual mean once, kept in ``ReturnPaths.parameters``
        under ``"<name>/expected_return"``. Its support must lie above -1.
        ``None`` (default): every scenario uses ``expected_return``.
    volatility_uncertainty : distribution, optional
        Doubt about the volatility: each scenario draws its own annual
        volatility once (kept under ``"<name>/volatility"``), which scales a
        ``volatility_schedule`` proportionally. Support must be >= 0.
        Lognormal assets only (a ``model`` takes the stated volatility).
    ruin_hazard : float
        Yearly probability, in [0, 1], that the asset suffers a permanent
        loss (an exchange failure, a fork, a ban). 0 (default): never.
    ruin_loss : float
        Fraction of value lost in a ruin, in (0, 1]: the first period of the
        ruin year returns ``-ruin_loss`` and every later period returns 0
        (the asset falls and stays there). Default 0.9.
    smoothing : float
        Appraisal smoothing of a private asset's reported value (Geltner
        AR(1) coefficient ``phi``), in [0, 1), applied to the log value:
        each period's reported (NAV) log value is ``(1 - phi) x`` the true
        log value ``+ phi x`` the previous reported one rolled forward at
        the expected return ``ln(1 + mu) / n``, both values starting equal
        (:func:`alt401k.markets.private.smooth_returns`). Balances use the
        reported series; ``ReturnPaths.economic_returns`` keeps the true
        one. The reported value tracks the economic one (median ratio
        within 0.2% at any horizon for private equity at ``phi = 0.6``)
        and its expected growth is the stated mean; per period, reported
        log returns have ``sqrt((1 - phi) / (1 + phi))`` times the true
        volatility and lag-1 autocorrelation ``phi``; the arithmetic mean
        of reported *annual* returns is a little below ``mu`` (11.63%
        instead of 11.9% at 0.6), because reported years are positively
        autocorrelated. Rebalancing against a stale NAV sells late after
        true losses and trades at stale prices. 0 (default): none. The
        LTCMA's private-asset volatilities are de-smoothed (economic), so
        smoothing is added on top of them.
    smoothing_periods_per_year : int, optional
        The frequency at which ``smoothing`` is stated, periods a year (4:
        a quarterly appraisal coefficient). A run at ``n`` periods a year
        then uses ``smoothing ** (smoothing_periods_per_year / n)`` per
        period (:meth:`smoothing_per_period`): the weight of old appraisals
        decays at the same rate per unit of time, ``phi ** (n t)`` after
        ``t`` years, whatever ``n`` (quarterly 0.5 is monthly 0.794 and
        yearly 0.0625; an appraisal lag of about ``-1 / (n ln phi)`` years,
        4.3 months). At a frequency coarser than the stated one the lag
        inside a period is not represented (yearly runs smooth less).
        ``None`` (default): ``smoothing`` is per sampling period, whatever
        the frequency.
    default_rate : float
        Yearly default rate of a credit asset's loans, in [0, 1] (Fitch
        private-credit default rate 6.0%, June 2026). Each period the asset
        loses ``loss_given_default x D_t`` with ``D_t`` a Beta-distributed
        share of defaults of mean ``default_rate / n``; the pre-default
        return is raised by the expected loss and drawn with a lower
        volatility, so ``expected_return`` and ``volatility`` stay the
        totals, losses included (:func:`alt401k.markets.private.apply_default_losses`,
        :func:`~alt401k.markets.private.pre_default_volatility`; 13.05%
        before losses for 14% direct lending at a 6% rate). The losses are
        independent of the markets, so the total's correlation with other
        assets is the stated one times ``sigma_pre / sigma`` (0.93 there).
        The losses alone must fit inside the stated volatility. With a
        return ``model`` and a drawn expected return, the pre-loss
        volatility is set at the stated mean.
        0 (default): no defaults.
    loss_given_default : float
        Fraction of a defaulted loan lost, in (0, 1]; default 0.6.
    default_correlation : float
        Concentration of defaults, in [0, 1): the variance of a period's
        default share is ``p (1 - p) x default_correlation`` with ``p =
        default_rate / n`` (0: every period loses exactly the mean).
        Default 0.1 (*est.*).
    liquidity_share : float
        Share of a semi-liquid fund held in ``liquidity_asset`` to meet
        redemptions, in [0, 1), rebalanced inside the fund every period:
        the fund returns ``(1 - c) r_asset + c r_liquid``. 0 (default): none.
    liquidity_asset : str
        The liquid asset of the sleeve, an asset of the :class:`MarketModel`
        without a sleeve of its own; default "cash".
    model : ReturnModel, optional
        A return model other than the lognormal (:mod:`alt401k.markets.base`):
        the asset keeps its place in the correlation structure (its
        standardized correlated normal shock is the model's input) and the
        model draws the marginal; None (default) is the exact lognormal.
    """

    model_config = _SPEC_CONFIG

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = ""
    expected_return: float
    volatility: float = Field(ge=0.0)
    expense_ratio: float = Field(default=0.0, ge=0.0, lt=0.1)
    source: str
    volatility_schedule: tuple[tuple[int, float], ...] | None = None
    expected_return_uncertainty: Any = None
    volatility_uncertainty: Any = None
    ruin_hazard: float = 0.0
    ruin_loss: float = 0.9
    smoothing: float = 0.0
    smoothing_periods_per_year: int | None = Field(default=None, ge=1, le=365)
    default_rate: float = 0.0
    loss_given_default: float = 0.6
    default_correlation: float = 0.1
    liquidity_share: float = 0.0
    liquidity_asset: str = "cash"
    model: Annotated[
        Any,
        BeforeValidator(as_return_model),
        PlainSerializer(lambda m: None if m is None else m.to_dict(), return_type=Any),
    ] = None

    @field_validator("volatility_schedule")
    @classmethod
    def _schedule_valid(
        cls, value: tuple[tuple[int, float], ...] | None
    ) -> tuple[tuple[int, float], ...] | None:
        if value is None:
            return value
        if not value:
            raise ValueError(
                "volatility_schedule must hold at least one (year, volatility) point; got ()"
            )
        previous = -1
        for year, vol in value:
            if year <= previous:
                raise ValueError(
                    f"volatility_schedule years must be >= 0 and strictly increasing; "
                    f"got year {year} after {previous} in {value}"
                )
            previous = year
            if not vol >= 0.0:
                raise ValueError(
                    f"volatility_schedule volatilities must be >= 0; got {vol} at year {year}"
                )
            if vol > 1.5:
                _warn(
                    f"volatility_schedule volatility {vol} at year {year} is above 150% a "
                    "year; it is a fraction (0.55 = 55%), check it is not a percentage"
                )
        return value

    @field_validator("expected_return_uncertainty", mode="before")
    @classmethod
    def _uncertainty_valid(cls, value: Any) -> Any:
        distribution, low = _as_distribution("expected_return_uncertainty", value)
        if distribution is not None and not low > -1.0:
            raise ValueError(
                "expected_return_uncertainty must have support above -1 (a total loss); "
                f"got {distribution!r} with lowest value {low}"
            )
        return distribution

    @field_validator("volatility_uncertainty", mode="before")
    @classmethod
    def _volatility_uncertainty_valid(cls, value: Any) -> Any:
        distribution, low = _as_distribution("volatility_uncertainty", value)
        if distribution is not None and not low >= 0.0:
            raise ValueError(
                f"volatility_uncertainty must have support >= 0; got {distribution!r} with "
                f"lowest value {low}"
            )
        return distribution

    @model_validator(mode="after")
    def _model_needs_volatility(self) -> AssetClass:
        if self.model is not None and self.volatility_uncertainty is not None:
            raise ValueError(
                f"volatility_uncertainty is for lognormal assets; {self.name!r} has a return "
                "model, which takes the stated volatility"
            )
        if self.model is not None and self.volatility <= 0.0:
            raise ValueError(
                f"an asset with a return model needs volatility > 0 (its correlated shock is "
                f"standardized by it); got {self.volatility} for {self.name!r}"
            )
        return self

    @field_validator("ruin_hazard")
    @classmethod
    def _hazard_range(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"ruin_hazard must be in [0, 1] (a yearly probability); got {value}")
        return value

    @field_validator("ruin_loss")
    @classmethod
    def _loss_range(cls, value: float) -> float:
        if not 0.0 < value <= 1.0:
            raise ValueError(f"ruin_loss must be in (0, 1] (a fraction of value lost); got {value}")
        return value

    @field_validator("smoothing", "liquidity_share", "default_correlation")
    @classmethod
    def _unit_interval_open(cls, value: float, info: Any) -> float:
        if not 0.0 <= value < 1.0:
            raise ValueError(f"{info.field_name} must be in [0, 1); got {value}")
        return value

    @field_validator("default_rate")
    @classmethod
    def _default_rate_range(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"default_rate must be in [0, 1] (a yearly rate); got {value}")
        return value

    @field_validator("loss_given_default")
    @classmethod
    def _lgd_range(cls, value: float) -> float:
        if not 0.0 < value <= 1.0:
            raise ValueError(
                f"loss_given_default must be in (0, 1] (a fraction of a defaulted loan); "
                f"got {value}"
            )
        return value

    @property
    def is_private(self) -> bool:
        """Whether smoothing, default losses or a liquidity sleeve change the sampled returns."""
        return self.smoothing > 0.0 or self.default_rate > 0.0 or self.liquidity_share > 0.0

    def smoothing_per_period(self, periods_per_year: int) -> float:
        """The appraisal-smoothing coefficient per period at ``periods_per_year``.

        ``smoothing`` itself when ``smoothing_periods_per_year`` is None, else
        ``smoothing ** (smoothing_periods_per_year / periods_per_year)``.
        """
        if self.smoothing_periods_per_year is None or self.smoothing == 0.0:
            return self.smoothing
        return float(self.smoothing ** (self.smoothing_periods_per_year / periods_per_year))

    def volatility_by_year(self, n_years: int) -> np.ndarray:
        """Annual volatility used in each year ``0 .. n_years - 1``, shape (n_years,)."""
        if self.volatility_schedule is None:
            return np.full(n_years, self.volatility)
        years = np.array([point[0] for point in self.volatility_schedule], dtype=np.float64)
        vols = np.array([point[1] for point in self.volatility_schedule], dtype=np.float64)
        return np.interp(np.arange(n_years, dtype=np.float64), years, vols)

    @field_validator("expected_return")
    @classmethod
    def _expected_return_range(cls, value: float) -> float:
        if value <= -1.0:
            raise ValueError(f"expected_return must be > -1 (a total loss); got {value}")
        if value > _IMPOSSIBLE_RETURN:  # a percentage typed as a number: stop, do not warn
            raise ValueError(
                f"expected_return={value} is {value:.0%} a year, not a long-run mean of any "
                f"asset; it is a fraction (0.08 = 8%): write {value / 100:g} for {value:g}%"
            )
        if value > 0.3:
            _warn(
                f"expected_return={value} is above 30% a year; it is a fraction "
                "(0.08 = 8%), check it is not a percentage"
            )
        return value

    @field_validator("volatility")
    @classmethod
    def _volatility_warning(cls, value: float) -> float:
        if value > _IMPOSSIBLE_VOLATILITY:  # 50.0 would fail later as a correlation matrix
            raise ValueError(
                f"volatility={value} is {value:.0%} a year, more than any asset's; it is a "
                f"fraction (0.16 = 16%): write {value / 100:g} for {value:g}%"
            )
        if value > 1.5:
            _warn(
                f"volatility={value} is above 150% a year; it is a fraction "
                "(0.16 = 16%), check it is not a percentage"
            )
        return value

    @field_validator("source")
    @classmethod
    def _source_not_empty(cls, value: str) -> str:
        return _check_source(value)


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


def lognormal_params(
    expected_returns: Sequence[float] | np.ndarray,
    volatilities: Sequence[float] | np.ndarray,
    correlation: Sequence[Sequence[float]] | np.ndarray,
    periods_per_year: int = 12,
    *,
    names: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-period log-return mean and covariance factor matching annual moments.

    Parameters
    ----------
    expected_returns : array_like, shape (A,)
        Arithmetic annual mean of simple returns, fraction, each > -1.
    volatilities : array_like, shape (A,)
        Annual standard deviation of simple returns, fraction, each >= 0.
    correlation : array_like, shape (A, A)
        Correlation of annual simple returns (symmetric, unit diagonal).
    periods_per_year : int
        Periods per year ``n``.
    names : sequence of str, optional
        Asset names, used in error messages only.

    Returns
    -------
    m : ndarray, shape (A,)
        Per-period mean of log returns (log-units per period).
    L : ndarray, shape (A, A)
        Factor of the per-period log-return covariance, ``L @ L.T = Cov``.
        Lower-triangular (Cholesky) unless the log correlation is singular
        (smallest eigenvalue <= 1e-10), in which case it is an
        eigen-decomposition factor. Rows and columns of
        zero-volatility assets are exactly zero.

    Raises
    ------
    ValueError
        If the implied log-return correlation is not positive semi-definite,
        or a correlation is unattainable (``1 + rho_ij v_i v_j <= 0``).

    Notes
    -----
    See the module Notes: ``s_i^2 = ln(1 + v_i^2)/n``,
    ``m_i = ln(1 + mu_i)/n - s_i^2/2``, ``Cov_ij = ln(1 + rho_ij v_i v_j)/n``
    with ``v_i = sigma_i / (1 + mu_i)``.
    """
    mu = np.asarray(expected_returns, dtype=np.float64)
    sigma = np.asarray(volatilities, dtype=np.float64)
    rho = np.asarray(correlation, dtype=np.float64)
    n_assets = mu.shape[0]
    labels = list(names) if names is not None else [str(i) for i in range(n_assets)]
    n = float(periods_per_year)

    v = sigma / (1.0 + mu)
    annual_log_var = np.log1p(v * v)
    m = np.log1p(mu) / n - annual_log_var / (2.0 * n)
    factor = np.zeros((n_assets, n_assets))

    # A volatility so small that v**2 underflows is deterministic, like zero.
    risky = np.flatnonzero(annual_log_var > 0.0)
    if risky.size == 0:
        return m, factor
    block = np.ix_(risky, risky)
    v_r = v[risky]
    product = rho[block] * np.outer(v_r, v_r)
    np.fill_diagonal(product, v_r * v_r)
    if np.any(product <= -1.0):
        i, j = (int(k) for k in np.argwhere(product <= -1.0)[0])
        a, b = int(risky[i]), int(risky[j])
        raise ValueError(
            f"correlation[{a}][{b}]={rho[a, b]} between {labels[a]!r} and {labels[b]!r} "
            "cannot be reached by lognormal annual returns with these volatilities; "
            f"it must be > {-1.0 / (v[a] * v[b]):.6g}"
        )
    annual_log_cov = np.log1p(product)
    log_sd = np.sqrt(annual_log_var[risky])
    log_corr = annual_log_cov / np.outer(log_sd, log_sd)
    eigenvalues, eigenvectors = np.linalg.eigh(log_corr)
    smallest = float(eigenvalues[0])
    if smallest < -_PSD_TOL:
        raise ValueError(
            "the log-return correlation implied by correlation and the volatilities is not "
            f"positive semi-definite (smallest eigenvalue {smallest:.6g} < -{_PSD_TOL:g}); "
            "lognormal returns cannot have these correlations: lower the correlations "
            "between high-volatility assets"
        )
    period_log_sd = log_sd / np.sqrt(n)
    if smallest > _PSD_TOL:
        sub_factor = np.linalg.cholesky(annual_log_cov / n)
    else:
        # Singular (to tolerance) but PSD, e.g. identical assets with correlation 1.
        # Cholesky would either fail or turn rounding noise into sqrt(eps)-sized
        # loadings; eigenvalues within the PSD tolerance of zero are set to zero.
        kept = np.where(eigenvalues > _PSD_TOL, eigenvalues, 0.0)
        sub_factor = period_log_sd[:, None] * (eigenvectors * np.sqrt(kept))
    factor[block] = sub_factor
    return m, factor


def _check_count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def _check_periods_per_year(value: object) -> int:
    if (
        isinstance(value, (int, np.integer))
        and not isinstance(value, bool)
        and 1 <= value <= _MAX_PERIODS_PER_YEAR
    ):
        return int(value)
    raise ValueError(
        f"periods_per_year must be an integer in [1, {_MAX_PERIODS_PER_YEAR}] "
        f"(1 annual, 4 quarterly, 12 monthly, 26 biweekly, 52 weekly); got {value!r}"
    )


class MarketModel(BaseModel):
    """A set of asset classes with correlated annual returns, plus inflation.

    Parameters
    ----------
    assets : tuple of AssetClass, length A >= 1
        Asset classes, unique names; their order is the asset axis of every
        array this model produces.
    correlation : tuple of tuples of float, shape (A, A)
        Correlation of annual simple returns: symmetric, unit diagonal,
        entries in [-1, 1], positive semi-definite. A numpy array is accepted.
    inflation : InflationModel
        Inflation, independent of asset returns.

    Notes
    -----
    The model is validated at construction, including that the lognormal
    transform of ``correlation`` (see :func:`lognormal_params`) is positive
    semi-definite, so :meth:`sample` cannot fail on parameters.

    Examples
    --------
    >>> from alt401k.markets import default_markets
    >>> markets = default_markets().subset(["us_equity", "us_bonds", "bitcoin"])
    >>> paths = markets.sample(1000, 30, rng=42)
    >>> paths.returns.shape
    (1000, 360, 3)
    """

    model_config = _SPEC_CONFIG

    assets: tuple[AssetClass, ...] = Field(min_length=1)
    correlation: tuple[tuple[float, ...], ...]
    inflation: InflationModel = InflationModel()

    @field_validator("correlation", mode="before")
    @classmethod
    def _correlation_from_array(cls, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value.tolist()
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> MarketModel:
        names = [asset.name for asset in self.assets]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(
                "asset names must be unique; duplicated: " + ", ".join(map(repr, duplicates))
            )
        n_assets = len(names)
        corr = self.correlation
        n_rows = len(corr)
        widths = {len(row) for row in corr}
        if n_rows != n_assets or widths != {n_assets}:
            shape = f"{n_rows}x{widths.pop()}" if len(widths) == 1 else "ragged"
            if n_rows == 0:
                shape = "0x0"
            raise ValueError(
                f"correlation must be {n_assets}x{n_assets} to match {n_assets} assets "
                f"({', '.join(names)}); got {shape}"
            )
        for i in range(n_assets):
            for j in range(n_assets):
                if not -1.0 <= corr[i][j] <= 1.0:
                    raise ValueError(
                        f"correlation[{i}][{j}]={corr[i][j]} ({names[i]}, {names[j]}) is "
                        "outside [-1, 1]"
                    )
        for i in range(n_assets):
            if abs(corr[i][i] - 1.0) > _ENTRY_TOL:
                raise ValueError(
                    f"correlation[{i}][{i}] ({names[i]}) must be 1 on the diagonal; "
                    f"got {corr[i][i]}"
                )
        for i in range(n_assets):
            for j in range(i + 1, n_assets):
                if abs(corr[i][j] - corr[j][i]) > _ENTRY_TOL:
                    raise ValueError(
                        f"correlation must be symmetric: correlation[{i}][{j}]={corr[i][j]} "
                        f"but correlation[{j}][{i}]={corr[j][i]} ({names[i]}, {names[j]})"
                    )
        smallest = float(np.linalg.eigvalsh(self.correlation_matrix)[0])
        if smallest < -_PSD_TOL:
            raise ValueError(
                "correlation must be positive semi-definite; its smallest eigenvalue is "
                f"{smallest:.6g} < -{_PSD_TOL:g}"
            )
        # Fails early if lognormal returns cannot have these correlations.
        lognormal_params(
            self.expected_returns, self.volatilities, self.correlation_matrix, 1, names=names
        )
        self._check_extensions()
        # Default losses are part of the stated volatility: they must fit inside it
        # (checked at the default monthly frequency here, at the run's one when sampling).
        self._pre_loss_volatilities(self.volatilities, self.expected_returns, 12)
        for asset in self.assets:
            if asset.liquidity_share == 0.0:
                continue
            if asset.liquidity_asset not in names:
                raise ValueError(
                    f"liquidity_asset {asset.liquidity_asset!r} of {asset.name!r} is not an "
                    f"asset of the model; available: {', '.join(names)}"
                )
            liquid = self[asset.liquidity_asset]
            if liquid.name == asset.name or liquid.liquidity_share > 0.0:
                raise ValueError(
                    f"liquidity_asset of {asset.name!r} must be another asset without a "
                    f"liquidity sleeve of its own; got {liquid.name!r}"
                )
        return self

    def _check_extensions(self) -> None:
        names = self.names
        corr = self.correlation_matrix
        # Scheduled volatilities and the lowest uncertain mean (largest v = sigma/(1+mu))
        # must keep the lognormal correlations attainable; checked at the schedule points.
        points = sorted(
            {year for asset in self.assets for year, _ in (asset.volatility_schedule or ())}
        )
        mus = self.expected_returns
        for i, asset in enumerate(self.assets):
            if asset.expected_return_uncertainty is not None:
                low = asset.expected_return_uncertainty.ppf(np.array([0.0]))
                mus[i] = float(np.asarray(low, dtype=float)[0])
        if points or np.any(mus != self.expected_returns):
            for year in points or [0]:
                vols = np.array([asset.volatility_by_year(year + 1)[-1] for asset in self.assets])
                lognormal_params(mus, vols, corr, 1, names=names)
        pairs = self.inflation.asset_correlation
        if not pairs:
            return
        for name, _ in pairs:
            if name not in names:
                raise ValueError(
                    f"inflation.asset_correlation names unknown asset {name!r}; "
                    f"available: {', '.join(names)}"
                )
            if self[name].volatility == 0.0:
                raise ValueError(
                    f"inflation.asset_correlation names {name!r}, whose volatility is 0: "
                    "it has no shock to correlate with"
                )
        self._inflation_loadings(1)

    def _inflation_loadings(self, periods_per_year: int) -> tuple[np.ndarray, np.ndarray]:
        """The named assets' standardized shock rows and the loadings ``beta``."""
        pairs = self.inflation.asset_correlation
        index = [self.names.index(name) for name, _ in pairs]
        c = np.array([rho for _, rho in pairs], dtype=np.float64)
        _, factor = self.log_params(periods_per_year)
        rows = factor[index]
        rows = rows / np.sqrt(np.sum(rows * rows, axis=1))[:, None]
        log_corr = rows @ rows.T
        beta = np.linalg.pinv(log_corr) @ c
        explained = float(beta @ c)
        if not np.allclose(log_corr @ beta, c, atol=1e-9) or explained > 1.0 + 1e-9:
            raise ValueError(
                f"inflation.asset_correlation={pairs} cannot hold together: given the "
                "correlations between these assets' log returns, no inflation shock has "
                "these correlations with them"
            )
        return rows, beta

    def __repr__(self) -> str:
        shown = _show.text(self)  # alt401k.display.describe_market, registered by the face
        return shown if shown is not None else super().__repr__()

    def _repr_html_(self) -> str | None:
        return _show.html(self)

    # ------------------------------------------------------------------ views

    @property
    def names(self) -> tuple[str, ...]:
        """Asset names, in axis order."""
        return tuple(asset.name for asset in self.assets)

    @property
    def n_assets(self) -> int:
        """Number of assets A."""
        return len(self.assets)

    @property
    def expected_returns(self) -> np.ndarray:
        """Arithmetic annual means, shape (A,), fraction per year."""
        return np.array([asset.expected_return for asset in self.assets], dtype=np.float64)

    @property
    def volatilities(self) -> np.ndarray:
        """Annual standard deviations of simple returns, shape (A,), fraction per year."""
        return np.array([asset.volatility for asset in self.assets], dtype=np.float64)

    @property
    def expense_ratios(self) -> np.ndarray:
        """Annual expense ratios, shape (A,), fraction of assets per year."""
        return np.array([asset.expense_ratio for asset in self.assets], dtype=np.float64)

    @property
    def correlation_matrix(self) -> np.ndarray:
        """Correlation of annual simple returns, shape (A, A), exactly symmetric, unit diagonal."""
        corr = np.array(self.correlation, dtype=np.float64)
        corr = 0.5 * (corr + corr.T)
        np.fill_diagonal(corr, 1.0)
        return corr

    def _index(self, name: str) -> int:
        names = self.names
        if name not in names:
            raise ValueError(f"unknown asset {name!r}; available: {', '.join(names)}")
        return names.index(name)

    def __getitem__(self, name: str) -> AssetClass:
        """The asset called ``name`` (``KeyError`` if there is none)."""
        if name not in self.names:
            raise KeyError(f"unknown asset {name!r}; available: {', '.join(self.names)}")
        return self.assets[self.names.index(name)]

    # --------------------------------------------------------------- variants

    @classmethod
    def from_assets(
        cls,
        assets: Sequence[AssetClass | Mapping[str, Any]],
        correlations: Mapping[tuple[str, str], float] | None = None,
        default_correlation: float = 0.0,
        *,
        inflation: InflationModel | None = None,
    ) -> MarketModel:
        """Build a model from pairwise correlations.

        Parameters
        ----------
        assets : sequence of AssetClass (or dicts of its fields)
        correlations : mapping of (name, name) -> float
            Correlation of each listed pair, in either order; a pair given in
            both orders must agree.
        default_correlation : float
            Correlation of every pair not listed.
        inflation : InflationModel, optional
            Defaults to :class:`InflationModel` ().
        """
        parsed = tuple(AssetClass.model_validate(asset) for asset in assets)
        names = [asset.name for asset in parsed]
        index = {name: i for i, name in enumerate(names)}
        n_assets = len(parsed)
        corr = [
            [1.0 if i == j else float(default_correlation) for j in range(n_assets)]
            for i in range(n_assets)
        ]
        seen: dict[frozenset[str], float] = {}
        for key, value in (correlations or {}).items():
            if not (isinstance(key, tuple) and len(key) == 2):
                raise ValueError(f"correlations keys must be (name, name) pairs; got {key!r}")
            for name in key:
                if name not in index:
                    raise ValueError(
                        f"unknown asset {name!r} in correlations key {key!r}; "
                        f"available: {', '.join(names)}"
                    )
            a, b = key
            if a == b:
                raise ValueError(
                    f"correlations key {key!r} pairs an asset with itself; its correlation is 1"
                )
            pair = frozenset(key)
            if pair in seen and seen[pair] != value:
                raise ValueError(
                    f"correlations gives ({a!r}, {b!r}) twice with different values: "
                    f"{seen[pair]} and {value}"
                )
            seen[pair] = value
            corr[index[a]][index[b]] = corr[index[b]][index[a]] = float(value)
        fields: dict[str, Any] = {"assets": parsed, "correlation": corr}
        if inflation is not None:
            fields["inflation"] = inflation
        return cls(**fields)

    def subset(self, names: Sequence[str]) -> MarketModel:
        """A model with only ``names``, in the order given (re-validated)."""
        if isinstance(names, str):
            names = [names]
        indices = [self._index(name) for name in names]
        corr = self.correlation
        return MarketModel(
            assets=tuple(self.assets[i] for i in indices),
            correlation=tuple(tuple(corr[i][j] for j in indices) for i in indices),
            inflation=self.inflation,
        )

    def replace_asset(self, name: str, **changes: Any) -> MarketModel:
        """A model with one asset's fields changed (re-validated).

        Examples
        --------
        >>> from alt401k.markets import default_markets
        >>> default_markets().replace_asset("bitcoin", expected_return=0.10)["bitcoin"].volatility
        0.55
        """
        i = self._index(name)
        fields = {**self.assets[i].model_dump(), **changes}
        assets = (*self.assets[:i], AssetClass(**fields), *self.assets[i + 1 :])
        return MarketModel(assets=assets, correlation=self.correlation, inflation=self.inflation)

    def replace_inflation(self, **changes: Any) -> MarketModel:
        """A model with the inflation fields changed (re-validated)."""
        inflation = InflationModel(**{**self.inflation.model_dump(), **changes})
        return MarketModel(assets=self.assets, correlation=self.correlation, inflation=inflation)

    def with_correlation(self, a: str, b: str, rho: float) -> MarketModel:
        """A model with ``correlation[a][b] = correlation[b][a] = rho`` (re-validated)."""
        i, j = self._index(a), self._index(b)
        if i == j:
            raise ValueError(f"with_correlation needs two different assets; got {a!r} twice")
        corr = [list(row) for row in self.correlation]
        corr[i][j] = corr[j][i] = rho
        return MarketModel(assets=self.assets, correlation=corr, inflation=self.inflation)

    # --------------------------------------------------------------- sampling

    def log_params(self, periods_per_year: int = 12) -> tuple[np.ndarray, np.ndarray]:
        """Per-period log-return mean ``m`` (A,) and covariance factor ``L`` (A, A).

        See :func:`lognormal_params`. Simple returns are
        ``expm1(m + L @ z)`` with ``z`` standard normal of shape (A,). An
        asset with default losses enters with its pre-loss volatility
        (:func:`alt401k.markets.private.pre_default_volatility`), so that
        its total, losses included, has the stated one.
        """
        ppy = _check_periods_per_year(periods_per_year)
        return lognormal_params(
            self.expected_returns,
            self._pre_loss_volatilities(self.volatilities, self.expected_returns, ppy),
            self.correlation_matrix,
            ppy,
            names=self.names,
        )

    def _pre_loss_volatilities(self, vols: np.ndarray, mus: np.ndarray, ppy: int) -> np.ndarray:
        """``vols`` (A,) with each defaulting asset's volatility before its losses.

        ``mus`` (A,) are the arithmetic means the volatilities go with. The
        same array comes back when no asset has default losses.
        """
        lossy = [i for i, asset in enumerate(self.assets) if asset.default_rate > 0.0]
        if not lossy:
            return vols
        from alt401k.markets.private import pre_default_volatility

        out = np.array(vols, dtype=np.float64)
        for i in lossy:
            asset = self.assets[i]
            out[..., i] = pre_default_volatility(
                out[..., i], mus[..., i], asset.default_rate, asset.loss_given_default,
                asset.default_correlation, ppy, name=asset.name,
            )  # fmt: skip
        return out

    def sample(
        self,
        n_scenarios: int,
        n_years: int,
        periods_per_year: int = 12,
        *,
        rng: RngLike = None,
        first_scenario: int = 0,
        assets: Sequence[str] | None = None,
        sampling: str = "mc",
    ) -> ReturnPaths:
        """Draw per-period return and inflation paths.

        Parameters
        ----------
        n_scenarios : int
            Number of scenarios S (>= 1).
        n_years : int
            Horizon in years (>= 1); T = n_years * periods_per_year.
        periods_per_year : int
            Periods per year, an integer in [1, 366]; 12 (monthly) by default.
        rng : None, int, SeedSequence or Generator
            Seed (SPEC 7). To split a run into chunks, pass the same int or
            ``SeedSequence`` with different ``first_scenario``: a
            ``Generator`` is advanced on every call.
        first_scenario : int
            Global index of the first scenario (>= 0). Row ``i`` of the
            result is scenario ``first_scenario + i``, bit-for-bit the same
            whatever the chunking.
        assets : sequence of str, optional
            Assets to return, in this order (default: all). Shocks are
            always drawn for every asset of the model, so a request for a
            few assets returns exactly those columns of the full draw.
        sampling : {"mc", "antithetic", "qmc"}
            How the Gaussian shocks of assets and inflation are drawn
            (:func:`alt401k._random.sampled_period_normals`): ``"mc"``
            (default) independent pseudo-random normals, bit-identical to
            earlier releases; ``"antithetic"`` scenario pairs with negated
            shocks; ``"qmc"`` scrambled Sobol' points through a Brownian
            bridge over the horizon, randomised per block of 1,000
            scenarios. Only the Gaussian part is stratified: the draws of
            return models (Student-t mixing, jumps, regimes, GARCH,
            bootstrap), default losses, ruin and uncertain parameters stay
            pseudo-random, though a model's input shock is the stratified
            normal.

        Returns
        -------
        ReturnPaths
            ``returns`` (S, T, A') and ``inflation`` (S, T): per-period simple
            rates (fractions), gross of expense ratios, read-only.

        Notes
        -----
        ``returns[s, t] = expm1(m + L z[s, t])`` with ``z`` drawn from the
        asset stream of :mod:`alt401k._random` and ``(m, L)`` from
        :meth:`log_params`; inflation uses its own stream, so changing the
        assets never changes inflation draws. Draws are keyed by calendar
        year (:func:`alt401k._random.period_normals`): the first ``k`` years
        of a longer run are the same numbers as a ``k``-year run, for the
        same seed and periods per year (common random numbers across
        horizons, retirement ages and asset choices). Memory: one (S, T, A)
        float64 array plus a small buffer.

        Private-asset features apply after the return model and the ruin
        hazard, in this order (:mod:`alt401k.markets.private`): default
        losses (uniforms keyed ``"<asset>/defaults"`` in the return-model
        stream), appraisal smoothing (``returns`` becomes the reported NAV
        series and ``economic_returns`` keeps the true one, when a returned
        asset smooths), then the liquidity sleeve blend. Assets without them
        are bit-for-bit unchanged.
        """
        n_scenarios = _check_count("n_scenarios", n_scenarios, 1)
        n_years = _check_count("n_years", n_years, 1)
        first_scenario = _check_count("first_scenario", first_scenario, 0)
        ppy = _check_periods_per_year(periods_per_year)
        root = as_seed_sequence(rng)
        sampling = check_sampling(sampling)
        stop = first_scenario + n_scenarios
        if assets is None:
            names = self.names
        else:
            names = (assets,) if isinstance(assets, str) else tuple(assets)
            if not names:
                raise ValueError("assets must name at least one asset; got none")
        columns = [self._index(name) for name in names]

        mean, factor = self.log_params(ppy)
        shocks = sampled_period_normals(
            root, Stream.ASSETS, first_scenario, stop, n_years, ppy, self.n_assets, sampling
        )
        asset_shocks = None
        if self.inflation.asset_correlation:
            rows, beta = self._inflation_loadings(ppy)
            # Standardized shocks of the named assets, before the in-place transform.
            asset_shocks = np.matmul(shocks, rows.T) @ beta
        # Standardized correlated shocks of assets with their own return model.
        model_shocks = {
            a: np.matmul(shocks, factor[a]) / np.linalg.norm(factor[a])
            for a, asset in enumerate(self.assets)
            if asset.model is not None
        }
        parameters: dict[str, np.ndarray] = {}
        if self._has_schedule_or_uncertainty():
            self._transform_extended(shocks, root, first_scenario, stop, n_years, ppy, parameters)
        else:
            # Every asset is transformed, then columns are taken: a product over fewer output
            # columns could round differently, and paths must not depend on the request.
            _shocks_to_returns(shocks, mean, factor)
        for a, eps in model_shocks.items():
            asset = self.assets[a]
            drawn = parameters.get(f"{asset.name}/expected_return")
            volatility = asset.volatility_by_year(n_years)
            if asset.default_rate > 0.0:
                from alt401k.markets.private import pre_default_volatility

                # At the stated mean: a model takes one volatility per year, not per scenario.
                volatility = pre_default_volatility(
                    volatility, asset.expected_return, asset.default_rate,
                    asset.loss_given_default, asset.default_correlation, ppy, name=asset.name,
                )  # fmt: skip
            log_returns = asset.model.log_returns(
                eps,
                mean=asset.expected_return if drawn is None else drawn[:, None],
                volatility=volatility,
                periods_per_year=ppy,
                draws=Draws(root, first_scenario, stop, n_years, ppy, asset.name),
            )
            shocks[:, :, a] = np.expm1(log_returns)
        self._apply_ruin(shocks, root, first_scenario, stop, n_years, ppy, parameters)
        economic = self._apply_private(shocks, root, first_scenario, stop, n_years, ppy, parameters)
        if columns == list(range(self.n_assets)):
            returns = shocks
        else:
            returns = np.ascontiguousarray(shocks[:, :, columns])
            if economic is not None:
                economic = np.ascontiguousarray(economic[:, :, columns])
        if economic is not None:
            if any(self.assets[i].smoothing > 0.0 for i in columns):
                economic.flags.writeable = False
            else:
                economic = None

        inflation = sampled_period_normals(
            root, Stream.INFLATION, first_scenario, stop, n_years, ppy, 1, sampling
        ).reshape(n_scenarios, n_years * ppy)
        if self.inflation.is_independent:
            infl_mean, infl_sd = self.inflation.log_params(ppy)
            inflation *= infl_sd
            inflation += infl_mean
        else:
            self._ar1_inflation(inflation, asset_shocks, ppy)
        np.expm1(inflation, out=inflation)

        kept = {key: values for key, values in parameters.items() if key.split("/", 1)[0] in names}
        for values in kept.values():
            values.flags.writeable = False
        returns.flags.writeable = False
        inflation.flags.writeable = False
        return ReturnPaths(
            returns=returns,
            inflation=inflation,
            asset_names=names,
            periods_per_year=ppy,
            first_scenario=first_scenario,
            seed=seed_record(root),
            parameters=kept,
            economic_returns=economic,
        )

    # ------------------------------------------------------ sampling helpers

    def _has_schedule_or_uncertainty(self) -> bool:
        return any(
            asset.volatility_schedule is not None
            or asset.expected_return_uncertainty is not None
            or asset.volatility_uncertainty is not None
            for asset in self.assets
        )

    def _transform_extended(
        self,
        shocks: np.ndarray,
        root: np.random.SeedSequence,
        start: int,
        stop: int,
        n_years: int,
        ppy: int,
        parameters: dict[str, np.ndarray],
    ) -> None:
        """Shocks to returns with per-year volatilities and per-scenario means, in place."""
        corr = self.correlation_matrix
        base_mu = self.expected_returns
        uncertain = [
            i
            for i, asset in enumerate(self.assets)
            if asset.expected_return_uncertainty is not None
        ]
        mus: np.ndarray | None = None
        if uncertain:
            mus = np.tile(base_mu, (stop - start, 1))
            for i in uncertain:
                key = f"{self.assets[i].name}/expected_return"
                draws = by_blocks(
                    _ppf_of(self.assets[i].expected_return_uncertainty, root, key), start, stop
                )
                mus[:, i] = draws
                parameters[key] = draws
        vol_scale: np.ndarray | None = None
        shaky = [
            i for i, asset in enumerate(self.assets) if asset.volatility_uncertainty is not None
        ]
        if shaky:
            vol_scale = np.ones((stop - start, self.n_assets))
            for i in shaky:
                asset = self.assets[i]
                key = f"{asset.name}/volatility"
                drawn = by_blocks(_ppf_of(asset.volatility_uncertainty, root, key), start, stop)
                parameters[key] = drawn
                vol_scale[:, i] = drawn / asset.volatility if asset.volatility > 0 else drawn
            if mus is None:
                mus = np.tile(base_mu, (stop - start, 1))
        vol_by_year = np.stack([asset.volatility_by_year(n_years) for asset in self.assets], 1)
        if vol_scale is not None:
            zero = np.array(
                [a.volatility == 0.0 and a.volatility_uncertainty is not None for a in self.assets]
            )
            # An asset stated at zero volatility takes the drawn volatility itself.
            vol_by_year = np.where(zero, 1.0, vol_by_year)
        groups: dict[tuple[float, ...], list[int]] = {}
        for year in range(n_years):
            groups.setdefault(tuple(vol_by_year[year].tolist()), []).append(year)
        for vols_key, years in groups.items():
            vols = np.array(vols_key)
            if mus is None:
                vols = self._pre_loss_volatilities(vols, base_mu, ppy)
                mean, factor = lognormal_params(base_mu, vols, corr, ppy, names=self.names)
                for year in years:
                    _shocks_to_returns(shocks[:, year * ppy : (year + 1) * ppy], mean, factor)
                continue
            means = np.empty_like(mus)
            factors = np.empty((mus.shape[0], self.n_assets, self.n_assets))
            cache: dict[tuple[float, ...], tuple[np.ndarray, np.ndarray]] = {}
            for row in range(mus.shape[0]):
                row_vols = vols if vol_scale is None else vols * vol_scale[row]
                row_vols = self._pre_loss_volatilities(row_vols, mus[row], ppy)
                mu_key = (*mus[row].tolist(), *row_vols.tolist())
                if mu_key not in cache:
                    cache[mu_key] = lognormal_params(
                        mus[row], row_vols, corr, ppy, names=self.names
                    )
                means[row], factors[row] = cache[mu_key]
            for year in years:
                _shocks_to_returns_stacked(shocks[:, year * ppy : (year + 1) * ppy], means, factors)

    def _apply_ruin(
        self,
        shocks: np.ndarray,
        root: np.random.SeedSequence,
        start: int,
        stop: int,
        n_years: int,
        ppy: int,
        parameters: dict[str, np.ndarray],
    ) -> None:
        """Overwrite returns from each scenario's ruin period on, in place."""
        n_periods = n_years * ppy
        for i, asset in enumerate(self.assets):
            if asset.ruin_hazard == 0.0:
                continue
            ruin_year = by_blocks(_ruin_years_of(asset.ruin_hazard, root, asset.name), start, stop)
            parameters[f"{asset.name}/ruin_year"] = ruin_year
            rows = np.flatnonzero(ruin_year < n_years)
            if rows.size == 0:
                continue
            first = ruin_year[rows].astype(np.int64) * ppy
            after = np.arange(n_periods)[None, :] > first[:, None]
            column = shocks[rows, :, i]
            column[after] = 0.0
            column[np.arange(rows.size), first] = -asset.ruin_loss
            shocks[rows, :, i] = column

    def _apply_private(
        self,
        returns: np.ndarray,
        root: np.random.SeedSequence,
        start: int,
        stop: int,
        n_years: int,
        ppy: int,
        parameters: Mapping[str, np.ndarray],
    ) -> np.ndarray | None:
        """Default losses, smoothing and liquidity sleeves, in place (module ``private``).

        ``returns`` (S, T, A) becomes the reported series. Returns the
        economic series (S, T, A) when some asset smooths, else None.
        ``parameters`` holds per-scenario expected returns drawn for
        uncertain assets (their appraisal rolls forward at the drawn mean).
        """
        if not any(asset.is_private for asset in self.assets):
            return None
        from alt401k.markets.private import (
            apply_default_losses,
            blend_liquidity,
            default_loss_shares,
            smooth_returns,
        )

        for i, asset in enumerate(self.assets):
            if asset.default_rate == 0.0:
                continue
            u = keyed_period_draws(
                root, Stream.RETURN_MODELS, f"{asset.name}/defaults", start, stop, n_years, ppy,
                uniform=True,
            )[:, :, 0]  # fmt: skip
            shares = default_loss_shares(u, asset.default_rate, ppy, asset.default_correlation)
            column = np.array(returns[:, :, i])
            apply_default_losses(column, shares, asset.loss_given_default, asset.default_rate, ppy)
            returns[:, :, i] = column
        economic = None
        if any(asset.smoothing > 0.0 for asset in self.assets):
            economic = returns.copy()
            for i, asset in enumerate(self.assets):
                if asset.smoothing > 0.0:
                    drawn = parameters.get(f"{asset.name}/expected_return")
                    mean = asset.expected_return if drawn is None else drawn
                    drift = np.log1p(mean) / ppy
                    phi = asset.smoothing_per_period(ppy)
                    returns[:, :, i] = smooth_returns(economic[:, :, i], phi, drift)
        # Sleeves last, from the liquid assets' own returns (which have no sleeve).
        for i, asset in enumerate(self.assets):
            if asset.liquidity_share == 0.0:
                continue
            j = self._index(asset.liquidity_asset)
            c = asset.liquidity_share
            returns[:, :, i] = blend_liquidity(returns[:, :, i], returns[:, :, j], c)
            if economic is not None:
                economic[:, :, i] = blend_liquidity(economic[:, :, i], economic[:, :, j], c)
        return economic

    def _ar1_inflation(
        self, inflation: np.ndarray, asset_shocks: np.ndarray | None, ppy: int
    ) -> None:
        """Turn inflation normals (S, T) into AR(1) log inflation, in place (see Notes)."""
        model = self.inflation
        mean, sd = model.ar1_log_params(ppy)
        if asset_shocks is not None:
            _, beta = self._inflation_loadings(ppy)
            explained = float(beta @ np.array([rho for _, rho in model.asset_correlation]))
            inflation *= np.sqrt(max(0.0, 1.0 - explained))
            inflation += asset_shocks
        phi = model.persistence
        scale = np.sqrt(1.0 - phi * phi) * sd
        inflation[:, 0] *= sd
        for t in range(1, inflation.shape[1]):
            inflation[:, t] *= scale
            inflation[:, t] += phi * inflation[:, t - 1]
        inflation += mean


#: ``ReturnPaths.parameters["<asset>/ruin_year"]`` of a scenario never ruined
#: (or ruined later than this many years), as a float.
NO_RUIN = float(2**31 - 1)


def _as_distribution(name: str, value: Any) -> tuple[Any, float]:
    """A distribution (rebuilt from its dict if serialized) and its lowest value; None passes."""
    if value is None:
        return None, float("nan")
    if isinstance(value, Mapping):
        # A serialized distribution, rebuilt from its dict.
        value = TypeAdapter(Distribution).validate_python(value)
    if not (callable(getattr(value, "ppf", None)) and hasattr(value, "mean")):
        raise ValueError(
            f"{name} must be None or a distribution with .ppf and .mean "
            f"(e.g. alt401k.uncertain.Uniform); got {value!r}"
        )
    return value, float(np.asarray(value.ppf(np.array([0.0])), dtype=float)[0])


def _ppf_of(
    distribution: Any, root: np.random.SeedSequence, key: str
) -> Callable[[int, int], np.ndarray]:
    def compute(lo: int, hi: int) -> np.ndarray:
        u = keyed_uniforms(root, Stream.MARKET_PARAMETERS, key, lo, hi)[:, 0]
        return np.asarray(distribution.ppf(u), dtype=np.float64).reshape(hi - lo)

    return compute


def _ruin_years_of(
    hazard: float, root: np.random.SeedSequence, name: str
) -> Callable[[int, int], np.ndarray]:
    def compute(lo: int, hi: int) -> np.ndarray:
        u = keyed_uniforms(root, Stream.RUIN, name, lo, hi)[:, 0]
        if hazard >= 1.0:
            return np.zeros(hi - lo)
        # Geometric: P(year >= k) = P(1 - u <= (1 - h)^k) = (1 - h)^k.
        years = np.floor(np.log1p(-u) / np.log1p(-hazard))
        return np.minimum(years, NO_RUIN)

    return compute


def _shocks_to_returns(shocks: np.ndarray, mean: np.ndarray, factor: np.ndarray) -> None:
    """Turn standard normals (S, T, A) into simple returns, in place.

    ``shocks[s, t] <- expm1(mean + factor @ shocks[s, t])``. The matmul is
    stacked over scenarios, so numpy makes one (T, A) x (A, A) product per
    scenario: the arithmetic of a row never depends on how many scenarios
    are in the call, which keeps chunked runs bit-identical.
    """
    n_scenarios, n_periods, n_assets = shocks.shape
    if n_scenarios == 0:
        return
    rows = max(1, _CHUNK_ELEMENTS // (n_periods * n_assets))
    buffer = np.empty((min(rows, n_scenarios), n_periods, n_assets))
    factor_t = factor.T
    for lo in range(0, n_scenarios, rows):
        hi = min(lo + rows, n_scenarios)
        chunk = shocks[lo:hi]
        product = buffer[: hi - lo]
        np.matmul(chunk, factor_t, out=product)
        np.add(product, mean, out=chunk)
        np.expm1(chunk, out=chunk)


def _shocks_to_returns_stacked(shocks: np.ndarray, means: np.ndarray, factors: np.ndarray) -> None:
    """Like :func:`_shocks_to_returns` with one ``(mean, factor)`` per scenario.

    ``shocks`` (S, T', A) is changed in place; ``means`` is (S, A) and
    ``factors`` (S, A, A). Each scenario's product is its own (T', A) x (A, A)
    matmul, so chunking never changes the bits.
    """
    n_scenarios, n_periods, n_assets = shocks.shape
    if n_scenarios == 0:
        return
    rows = max(1, _CHUNK_ELEMENTS // (n_periods * n_assets))
    buffer = np.empty((min(rows, n_scenarios), n_periods, n_assets))
    for lo in range(0, n_scenarios, rows):
        hi = min(lo + rows, n_scenarios)
        chunk = shocks[lo:hi]
        product = buffer[: hi - lo]
        np.matmul(chunk, factors[lo:hi].transpose(0, 2, 1), out=product)
        np.add(product, means[lo:hi, None, :], out=chunk)
        np.expm1(chunk, out=chunk)
