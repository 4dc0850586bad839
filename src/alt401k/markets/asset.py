"""One asset class: its annual return assumptions, extensions and their checks.

:class:`AssetClass` is a frozen pydantic specification (annual arithmetic
mean, volatility, expense ratio, source) with the optional extensions the
sampler applies (:mod:`alt401k.markets.sampling`): a volatility schedule,
uncertain mean or volatility (:mod:`alt401k.uncertain` distributions), a ruin
hazard, private-asset features (smoothing, default losses, a liquidity
sleeve; :mod:`alt401k.markets.private`) and a return model other than the
lognormal (:mod:`alt401k.markets.base`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
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

from alt401k._warnings import Alt401kWarning
from alt401k.markets.base import as_return_model
from alt401k.uncertain import Distribution

__all__ = ["AssetClass"]

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
