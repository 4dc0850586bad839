"""Who adopts the asset, when, and what can undo it: adoption curves and channels.

The money that reaches an alternative asset through 401(k) plans is the
product of three shares, each a specification here:

1. **Sponsor adoption** -- the cumulative share :math:`H(t)` of plans (or of
   plan assets) that offer the asset ``t`` years after the start: a
   :class:`Fixed` level, a :class:`Logistic` or a :class:`Bass` diffusion
   curve. :func:`crypto_sponsor_curves` and :func:`private_markets_sponsor_curves`
   give documented defaults by plan-size segment.
2. **Channel** -- a :class:`DefaultChannel` (a sleeve inside a target-date fund
   or managed account, held by every default investor of an adopting plan)
   or an :class:`ActiveChannel` (participants elect the option; opt-in share
   and allocation share), each with its :class:`Rebalancing` behaviour.
3. **Policy reversal** -- :class:`Reversal`: a yearly hazard that the rules are
   rescinded, and what then happens to holdings.

Any parameter typed :data:`Uncertain` is a float or a distribution
(:class:`Uniform`, :class:`Triangular`, :class:`Normal`, :class:`Beta`) drawn
*once per scenario* by :func:`sample_parameter`. Each draw comes from
:func:`alt401k._random.keyed_uniforms` under a key built from the quantity's
name (``"{key}/{field}"``), so draws are identical whatever the chunking of
scenarios and adding one uncertain input never shifts another's draws.

Time convention: year ``y`` (0-based) covers ``[y, y + 1)`` years after the
start, and the share of year ``y`` is the cumulative share at its end,
:math:`H_{s,y} = C_s(y + 1)`: a plan adopting during year ``y`` counts from
year ``y``. Sources of defaults are in ``../shared/CALIBRATION.md`` (sections
"Participant behaviour", "Adoption by plan sponsors", "After the order");
figures marked *est.* are judgement.
"""

from __future__ import annotations

import itertools
import math
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias

import numpy as np
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)
from scipy import special, stats  # type: ignore[import-untyped]  # scipy ships no stubs

from ._random import Stream, by_blocks, keyed_uniforms
from ._spec import Spec
from ._validation import check_int

__all__ = [
    "NO_REVERSAL",
    "PLAN_SIZE_SEGMENTS",
    "ActiveChannel",
    "Bass",
    "Beta",
    "Channel",
    "Curve",
    "CurveField",
    "DefaultChannel",
    "Distribution",
    "Fixed",
    "Logistic",
    "Normal",
    "Rebalancing",
    "Reversal",
    "Triangular",
    "Uncertain",
    "Uniform",
    "as_curve",
    "as_rebalancing",
    "check_uncertain_range",
    "crypto_opt_in_curve",
    "crypto_sponsor_curves",
    "private_markets_sponsor_curves",
    "sample_parameter",
]

#: Reversal year meaning "never rescinded" (hazard 0): the largest int32.
NO_REVERSAL = 2**31 - 1

#: Plan-size segments by plan assets, dollars: ``name -> (low, high)``.
PLAN_SIZE_SEGMENTS = MappingProxyType(
    {
        "micro": (0.0, 10e6),
        "small": (10e6, 50e6),
        "mid": (50e6, 200e6),
        "large": (200e6, 1e9),
        "mega": (1e9, math.inf),
    }
)

Finite = Annotated[float, Field(allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]


def _text(value: Any) -> str:
    """A number as a user wrote it (``2`` not ``2.0``); anything else as repr."""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return f"{value:g}" if is_number else repr(value)


class _Positional(Spec):
    """A spec that also takes its main fields positionally, ``Uniform(0.0, 1.0)``."""

    _positional: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = type(self)._positional
        if len(args) > len(names):
            raise TypeError(
                f"{type(self).__name__} takes at most {len(names)} positional arguments "
                f"({', '.join(names)}); got {len(args)}"
            )
        for name, value in zip(names, args, strict=False):
            if name in kwargs:
                raise TypeError(f"{type(self).__name__} got {name} twice")
            kwargs[name] = value
        super().__init__(**kwargs)


# --------------------------------------------------------------------------- distributions
class _Distribution(_Positional):
    """Shared methods of the parameter distributions, all supported on ``[low, high]``."""

    if TYPE_CHECKING:
        low: float
        high: float

    def _frozen(self) -> Any:  # a frozen scipy.stats distribution
        raise NotImplementedError

    #: The ordering the fields must satisfy, for the error message.
    _rule: ClassVar[str] = "low < high"

    def _check(self) -> bool:
        return self.low < self.high

    @model_validator(mode="after")
    def _ordered(self) -> Any:
        if not self._check():
            args = ", ".join(f"{k}={_text(v)}" for k, v in self.__repr_args__())
            raise ValueError(f"{type(self).__name__} needs {self._rule}; got {args}")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at probabilities ``u`` (any shape, values in [0, 1]), same shape."""
        return np.asarray(self._frozen().ppf(u), dtype=float)

    @property
    def mean(self) -> float:
        """Mean of the distribution."""
        return float(self._frozen().mean())

    @property
    def variance(self) -> float:
        """Variance of the distribution."""
        return float(self._frozen().var())

    @property
    def support(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (self.low, self.high)


class Uniform(_Distribution):
    """Uniform distribution on ``[low, high]`` (finite, ``low < high``)."""

    _positional: ClassVar[tuple[str, ...]] = ("low", "high")
    kind: Literal["uniform"] = Field(default="uniform", repr=False)
    low: Finite
    high: Finite

    def _frozen(self) -> Any:
        return stats.uniform(loc=self.low, scale=self.high - self.low)


class Triangular(_Distribution):
    """Triangular distribution, ``low <= mode <= high`` and ``low < high``, all finite."""

    _positional: ClassVar[tuple[str, ...]] = ("low", "mode", "high")
    kind: Literal["triangular"] = Field(default="triangular", repr=False)
    low: Finite
    mode: Finite
    high: Finite

    _rule: ClassVar[str] = "low <= mode <= high and low < high"

    def _check(self) -> bool:
        return self.low <= self.mode <= self.high and self.low < self.high

    def _frozen(self) -> Any:
        scale = self.high - self.low
        return stats.triang((self.mode - self.low) / scale, loc=self.low, scale=scale)


class Normal(_Distribution):
    """Normal ``N(mean, sd**2)`` truncated to ``[low, high]`` (bounds may be infinite).

    The fields ``mean`` and ``sd`` are those of the untruncated normal (the
    field is stored as ``center``, as the :attr:`mean` property gives the mean
    after truncation). Infinite bounds serialize to JSON as ``"Infinity"``
    strings, which validate back.
    """

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)
    _positional: ClassVar[tuple[str, ...]] = ("mean", "sd", "low", "high")
    kind: Literal["normal"] = Field(default="normal", repr=False)
    center: Finite = Field(alias="mean")
    sd: Positive
    low: float = -math.inf
    high: float = math.inf

    def __repr_args__(self) -> Any:
        return [("mean" if k == "center" else k, v) for k, v in super().__repr_args__()]

    @field_serializer("low", "high", when_used="json")
    def _infinity_as_text(self, value: float) -> float | str:
        # JSON has no infinity; these strings validate back to float.
        return value if math.isfinite(value) else ("Infinity" if value > 0 else "-Infinity")

    def _frozen(self) -> Any:
        a, b = (self.low - self.center) / self.sd, (self.high - self.center) / self.sd
        return stats.truncnorm(a, b, loc=self.center, scale=self.sd)


class Beta(_Distribution):
    """Beta(a, b) distribution scaled to ``[low, high]`` (default [0, 1])."""

    _positional: ClassVar[tuple[str, ...]] = ("a", "b", "low", "high")
    kind: Literal["beta"] = Field(default="beta", repr=False)
    a: Positive
    b: Positive
    low: Finite = 0.0
    high: Finite = 1.0

    def _frozen(self) -> Any:
        return stats.beta(self.a, self.b, loc=self.low, scale=self.high - self.low)


Distribution: TypeAlias = Uniform | Triangular | Normal | Beta
#: A parameter that is a float, or a distribution drawn once per scenario.
Uncertain: TypeAlias = float | Annotated[Distribution, Field(discriminator="kind")]


def _bound_text(low: float, high: float, low_open: bool) -> str:
    if math.isinf(high):
        return f"{'>' if low_open else '>='} {low:g}"
    if math.isinf(low):
        return f"<= {high:g}"
    return f"between {low:g} and {high:g}"


def check_uncertain_range(
    name: str, value: Uncertain, low: float, high: float, *, low_open: bool = False
) -> Uncertain:
    """Return ``value`` if it (or its distribution's support) lies in ``[low, high]``.

    ``low_open=True`` excludes ``low`` itself (``steepness > 0``). A float must
    also be finite. Raises ValueError naming ``name``, the value and the range,
    e.g. ``"ceiling must be between 0 and 1; got 1.5"``.
    """
    bound = _bound_text(low, high, low_open)
    if isinstance(value, Distribution):
        lo, hi = value.support
        if lo < low or (low_open and lo <= low) or hi > high:
            raise ValueError(f"{name} must be {bound}; got {value!r} with support [{lo}, {hi}]")
        return value
    fvalue = float(value)
    if not math.isfinite(fvalue):
        raise ValueError(f"{name} must be a finite number {bound}; got {_text(value)}")
    if fvalue < low or (low_open and fvalue <= low) or fvalue > high:
        raise ValueError(f"{name} must be {bound}; got {_text(value)}")
    return value


def _mean(value: Uncertain) -> float:
    return value.mean if isinstance(value, Distribution) else float(value)


def sample_parameter(
    value: Uncertain, *, root: np.random.SeedSequence, key: str, start: int, stop: int
) -> np.ndarray:
    """Per-scenario values of one uncertain parameter.

    Parameters
    ----------
    value : float or distribution
        A float is the same in every scenario; a distribution is drawn once per
        scenario by inverse CDF.
    root : SeedSequence
        Root seed of the run.
    key : str
        The quantity's name, e.g. ``"sponsor_adoption/ceiling"``; it selects a
        stream of its own (:func:`alt401k._random.keyed_uniforms`,
        ``Stream.ADOPTION``).
    start, stop : int
        Scenarios ``start:stop``.

    Returns
    -------
    ndarray, shape (stop - start,), float64
        Row ``i`` is scenario ``start + i`` whatever the chunking.
    """
    start = check_int("start", start, low=0)
    stop = check_int("stop", stop, low=start)
    if not isinstance(value, Distribution):
        return np.full(stop - start, float(value))
    return by_blocks(
        lambda lo, hi: value.ppf(keyed_uniforms(root, Stream.ADOPTION, key, lo, hi)[:, 0]),
        start,
        stop,
    )


# --------------------------------------------------------------------------- curves
class _Curve(_Positional):
    """Shared machinery of adoption curves: ranges, draws, paths."""

    #: field -> (low, high, low_open), checked by check_uncertain_range.
    _bounds: ClassVar[dict[str, tuple[float, float, bool]]] = {}

    @model_validator(mode="after")
    def _in_range(self) -> Any:
        for name, (low, high, low_open) in self._bounds.items():
            check_uncertain_range(name, getattr(self, name), low, high, low_open=low_open)
        return self

    @staticmethod
    def _formula(t: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        raise NotImplementedError

    def cumulative(self, t: Any) -> np.ndarray:
        """Cumulative share adopted ``t`` years after the start (closed form).

        Parameters
        ----------
        t : array_like
            Years after the start, >= 0 (``inf`` gives the ceiling).

        Returns
        -------
        ndarray, shape of ``t``, fraction in [0, 1]

        Raises
        ------
        ValueError
            If a parameter is a distribution (use :meth:`year_shares` to draw it
            per scenario, or :meth:`mean_path`), or if ``t`` < 0.
        """
        for name in self._bounds:
            value = getattr(self, name)
            if isinstance(value, Distribution):
                raise ValueError(
                    f"{type(self).__name__}.cumulative needs float parameters; {name} is "
                    f"{value!r}: use year_shares (drawn per scenario) or mean_path"
                )
        t = np.asarray(t, dtype=float)
        if np.any(np.isnan(t)) or np.any(t < 0):
            raise ValueError(f"t must be >= 0 years; got {_text(float(np.min(t)))}")
        return self._formula(t, **{name: float(getattr(self, name)) for name in self._bounds})

    def parameter_draws(
        self, root: np.random.SeedSequence, key: str, start: int, stop: int
    ) -> dict[str, np.ndarray]:
        """Per-scenario parameter values, ``field -> ndarray (stop - start,)``.

        Field ``f`` is drawn under the key ``f"{key}/{f}"`` (see :func:`sample_parameter`).
        """
        return {
            name: sample_parameter(
                getattr(self, name), root=root, key=f"{key}/{name}", start=start, stop=stop
            )
            for name in self._bounds
        }

    def year_shares(
        self, root: np.random.SeedSequence, key: str, start: int, stop: int, n_years: int
    ) -> np.ndarray:
        """Cumulative share adopted by the end of each year, per scenario.

        Returns
        -------
        ndarray, shape (stop - start, n_years), fraction
            ``H[s, y] = C_s(y + 1)`` with scenario ``s``'s drawn parameters.
        """
        n_years = check_int("n_years", n_years, low=1)
        t = np.arange(1, n_years + 1, dtype=float)[None, :]

        def block(lo: int, hi: int) -> np.ndarray:
            draws = self.parameter_draws(root, key, lo, hi)
            shares = self._formula(t, **{name: v[:, None] for name, v in draws.items()})
            return np.ascontiguousarray(np.broadcast_to(shares, (hi - lo, n_years)))

        # Whole seed blocks: the same bits for a scenario whatever the chunking.
        return by_blocks(block, start, stop)

    def mean_path(self, n_years: int) -> np.ndarray:
        """``C(y + 1)`` for ``y < n_years`` with each parameter at its mean, shape (n_years,).

        For documentation and plots: with uncertain parameters this is the path
        of the mean parameters, not the mean of the paths.
        """
        n_years = check_int("n_years", n_years, low=1)
        t = np.arange(1, n_years + 1, dtype=float)
        return self._formula(t, **{name: _mean(getattr(self, name)) for name in self._bounds})


class Fixed(_Curve):
    """A level reached at once: :math:`C(t) = \\text{rate}` for all ``t >= 0``.

    Parameters
    ----------
    rate : float or distribution
        Cumulative share adopted, in [0, 1].
    """

    _positional: ClassVar[tuple[str, ...]] = ("rate",)
    _bounds: ClassVar[dict[str, tuple[float, float, bool]]] = {"rate": (0.0, 1.0, False)}
    kind: Literal["fixed"] = Field(default="fixed", repr=False)
    rate: Uncertain

    @staticmethod
    def _formula(t: np.ndarray, *, rate: Any) -> np.ndarray:
        return np.asarray(rate, dtype=float) * np.ones_like(t)


class Logistic(_Curve):
    """A logistic S-curve rescaled to start at zero.

    Parameters
    ----------
    ceiling : float or distribution
        Long-run share, in [0, 1].
    midpoint : float or distribution
        Years after the start at which the underlying logistic is at half its
        height, >= 0.
    steepness : float or distribution
        Growth rate of the logistic, per year, > 0.

    Notes
    -----
    With :math:`L(t) = 1 / (1 + e^{-k (t - t_0)})`,
    :math:`C(t) = m \\, (L(t) - L(0)) / (1 - L(0))`, so :math:`C(0) = 0` and
    :math:`C(\\infty) = m`.
    """

    _positional: ClassVar[tuple[str, ...]] = ("ceiling", "midpoint", "steepness")
    _bounds: ClassVar[dict[str, tuple[float, float, bool]]] = {
        "ceiling": (0.0, 1.0, False),
        "midpoint": (0.0, math.inf, False),
        "steepness": (0.0, math.inf, True),
    }
    kind: Literal["logistic"] = Field(default="logistic", repr=False)
    ceiling: Uncertain
    midpoint: Uncertain
    steepness: Uncertain

    @staticmethod
    def _formula(t: np.ndarray, *, ceiling: Any, midpoint: Any, steepness: Any) -> np.ndarray:
        at_zero = special.expit(-steepness * midpoint)
        # 1 - L(0) = expit(k t0) >= 1/2 since t0 >= 0: no cancellation, no division by 0.
        return ceiling * (special.expit(steepness * (t - midpoint)) - at_zero) / (1.0 - at_zero)


class Bass(_Curve):
    """Bass (1969) diffusion: innovation ``p``, imitation ``q``, ceiling ``m``.

    Parameters
    ----------
    p : float or distribution
        Coefficient of innovation, per year, >= 0 (``p = 0``: nobody starts,
        :math:`F \\equiv 0`).
    q : float or distribution
        Coefficient of imitation, per year, >= 0.
    ceiling : float or distribution
        Long-run share ``m``, in [0, 1].

    Notes
    -----
    .. math:: F(t) = m \\frac{1 - e^{-(p+q)t}}{1 + (q/p) e^{-(p+q)t}}
              = m \\frac{p (1 - e^{-(p+q)t})}{p + q e^{-(p+q)t}},

    the second form being the one computed (finite at ``p = 0``). Half the
    ceiling is reached at :math:`t_{1/2} = \\ln(2 + q/p) / (p + q)`.
    """

    _positional: ClassVar[tuple[str, ...]] = ("p", "q", "ceiling")
    _bounds: ClassVar[dict[str, tuple[float, float, bool]]] = {
        "p": (0.0, math.inf, False),
        "q": (0.0, math.inf, False),
        "ceiling": (0.0, 1.0, False),
    }
    kind: Literal["bass"] = Field(default="bass", repr=False)
    p: Uncertain
    q: Uncertain
    ceiling: Uncertain

    @staticmethod
    def _formula(t: np.ndarray, *, p: Any, q: Any, ceiling: Any) -> np.ndarray:
        p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
        started = p > 0
        safe_p = np.where(started, p, 1.0)  # p = 0 rows are zeroed below
        decay = np.exp(-(safe_p + q) * t)
        shares = ceiling * safe_p * -np.expm1(-(safe_p + q) * t) / (safe_p + q * decay)
        return np.where(started, shares, 0.0)


Curve: TypeAlias = Fixed | Logistic | Bass
#: Field type for a curve, validated by its ``kind`` tag (use ``float | CurveField``).
CurveField: TypeAlias = Annotated[Curve, Field(discriminator="kind")]


def as_curve(value: float | Curve, *, name: str = "rate") -> Curve:
    """A curve as is, or a float in [0, 1] as :class:`Fixed` (error names ``name``)."""
    if isinstance(value, Curve):
        return value
    if isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool):
        return Fixed(rate=check_uncertain_range(name, float(value), 0.0, 1.0))
    raise TypeError(
        f"{name} must be a float in [0, 1] or a Fixed, Logistic or Bass curve; got {value!r}"
    )


# --------------------------------------------------------------------------- defaults
def crypto_sponsor_curves() -> dict[str, Bass]:
    """Default share of plans offering crypto, by plan-size segment (all *est.*).

    ================  =======  =====  =====  =======  ========================
    segment (assets)  ceiling  p      q      t_1/2    reasoning
    ================  =======  =====  =====  =======  ========================
    micro  (<$10M)    0.06     0.004  0.25   16 yr    least fiduciary staff
    small  ($10-50M)  0.08     0.005  0.25   15 yr
    mid    ($50-200M) 0.10     0.006  0.25   14 yr    ~ PSCA's 11%
    large  ($0.2-1B)  0.12     0.008  0.25   13 yr
    mega   (>$1B)     0.15     0.010  0.25   13 yr    AE-like p
    ================  =======  =====  =====  =======  ========================

    Notes
    -----
    Bass fits to past features (CALIBRATION, "Adoption by plan sponsors"):
    auto-enrollment p 0.010-0.012, q 0.19-0.32, m 0.64-0.68 (11-16 years to
    half the ceiling); target-date funds after the QDIA safe harbor p 0.16,
    q 0.27, m 0.92. "Features with fiduciary burden diffuse slowly and plateau
    low": crypto has no safe harbor (the 2026 proposed rule covers default
    funds, not brokerage windows; litigation risk, Anderson v. Intel), so
    ``p`` is at or below auto-enrollment's and the ceilings sit near the
    alternatives uptake seen so far -- 3.9% of sponsors offered any
    alternative in 2024 (2.2% in 2023) and 11% of (mostly larger) 401(k) plans
    had an alternative asset class (PSCA) -- with larger plans, which have
    staff and advisers to vet a product, moving first and going further.
    ``q`` = 0.25 is mid-range of the auto-enrollment fits. ``t_1/2`` =
    ln(2 + q/p) / (p + q). The curves count only adoption after the start
    (pre-order: no recordkeeper offered crypto on a core menu, GAO-25-106161).
    """
    rows = {
        "micro": (0.06, 0.004),
        "small": (0.08, 0.005),
        "mid": (0.10, 0.006),
        "large": (0.12, 0.008),
        "mega": (0.15, 0.010),
    }
    return {seg: Bass(p=p, q=0.25, ceiling=m) for seg, (m, p) in rows.items()}


def private_markets_sponsor_curves() -> dict[str, Bass]:
    """Default share of plans adding private equity/credit via target-date funds (*est.*).

    ================  =======  =====  =====  =======
    segment (assets)  ceiling  p      q      t_1/2
    ================  =======  =====  =====  =======
    micro  (<$10M)    0.25     0.015  0.30   9.8 yr
    small  ($10-50M)  0.30     0.020  0.30   8.6 yr
    mid    ($50-200M) 0.35     0.030  0.30   7.2 yr
    large  ($0.2-1B)  0.40     0.040  0.30   6.4 yr
    mega   (>$1B)     0.45     0.050  0.30   5.9 yr
    ================  =======  =====  =====  =======

    Notes
    -----
    A private sleeve inside a target-date fund rides the default channel,
    which diffused fast once it had a safe harbor (TDFs after the QDIA rule:
    p 0.16, q 0.27, m 0.92, half the ceiling in 4 years). The sleeve is sold
    as a product by recordkeepers and asset managers (Empower with Blackstone,
    Great Gray "Panorix", BlackRock's 5-20% private-sleeve TDF for 2026), so
    it should move faster and go further than crypto; but the safe-harbor
    rule for alternatives in QDIAs is only proposed (Mar 2026), litigation
    is pending and private-credit stress (2026 redemption halts) weighs on
    fiduciaries. So: ``p`` between auto-enrollment (0.01) and TDFs (0.16),
    ``q`` slightly above both fits' mid-range, ceilings well under the TDF
    0.92 and rising with plan size from about twice PSCA's 11% of plans
    with an alternative asset class (2024). Half the ceiling in 6-10 years.
    """
    rows = {
        "micro": (0.25, 0.015),
        "small": (0.30, 0.020),
        "mid": (0.35, 0.030),
        "large": (0.40, 0.040),
        "mega": (0.45, 0.050),
    }
    return {seg: Bass(p=p, q=0.30, ceiling=m) for seg, (m, p) in rows.items()}


def crypto_opt_in_curve() -> Logistic:
    """Share of participants in adopting plans who elect crypto (*est.*).

    ``Logistic(ceiling=0.08, midpoint=2.0, steepness=1.0)``: 1.4% after one
    year, 3.9% after two, 7.1% after five, 8% in the long run. Sources
    (CALIBRATION, "Adoption by plan sponsors"): brokerage windows are used by
    about 1% of those offered one; Roth usage reached 9% one year after
    introduction, a ceiling for an option with no tax advantage and a
    fiduciary warning attached; 45% of participants say they would invest in
    private markets (Schroders 2025), an upper bound on appetite.
    """
    return Logistic(ceiling=0.08, midpoint=2.0, steepness=1.0)


# --------------------------------------------------------------------------- reversal
def _one_of(name: str, allowed: tuple[str, ...], value: Any) -> Any:
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {choices}; got {value!r}")
    return value


class Reversal(_Positional):
    """Risk that the rules allowing the asset are rescinded.

    Parameters
    ----------
    hazard : float or distribution
        Yearly probability of a reversal, in [0, 1]; drawn once per scenario
        (key ``"reversal/hazard"``). Default 0.05 (*est.*: senators and state
        attorneys general ask for withdrawal and a later administration may
        reverse, CALIBRATION "After the order"; a mean wait of 20 years, five
        presidential terms, and a 19% chance within one term).
    treatment : {"keep", "freeze", "unwind"}
        What happens to existing holdings: kept and managed as before
        ("keep"), frozen to new money -- no new contributions or rebalancing
        purchases into the asset -- ("freeze"), or sold evenly over
        ``unwind_years`` years ("unwind").
    unwind_years : int
        Years over which holdings are sold under "unwind", >= 1.

    Notes
    -----
    The reversal year :math:`\\tau` (0-based) is geometric,
    :math:`P(\\tau = k) = (1 - h)^k h`, drawn from one uniform ``u`` per
    scenario by inverse CDF, :math:`\\tau = \\lfloor \\ln(1 - u) / \\ln(1 - h)
    \\rfloor`, so it does not depend on the horizon (:math:`h = 1` gives 0,
    :math:`h = 0` gives :data:`NO_REVERSAL`). A reversal in year
    :math:`\\tau` takes effect at the end of that year: no new adoption from
    year :math:`\\tau + 1` on, and holdings are then treated as
    ``treatment`` says. The engine applies this; this class only samples
    :math:`\\tau`.
    """

    _positional: ClassVar[tuple[str, ...]] = ("hazard", "treatment", "unwind_years")
    hazard: Uncertain = 0.05
    treatment: Literal["keep", "freeze", "unwind"] = "keep"
    unwind_years: int = 3

    @field_validator("hazard")
    @classmethod
    def _hazard_range(cls, value: Uncertain) -> Uncertain:
        return check_uncertain_range("hazard", value, 0.0, 1.0)

    @field_validator("treatment", mode="before")
    @classmethod
    def _treatment_known(cls, value: Any) -> Any:
        return _one_of("treatment", ("keep", "freeze", "unwind"), value)

    @field_validator("unwind_years", mode="before")
    @classmethod
    def _unwind_positive(cls, value: Any) -> int:
        return check_int("unwind_years", value, low=1)

    def reversal_years(self, root: np.random.SeedSequence, start: int, stop: int) -> np.ndarray:
        """Year of the reversal per scenario.

        Returns
        -------
        ndarray, shape (stop - start,), int64
            0-based year index :math:`\\tau_s`, or :data:`NO_REVERSAL`.
        """
        return by_blocks(lambda lo, hi: self._years(root, lo, hi), start, stop)

    def _years(self, root: np.random.SeedSequence, start: int, stop: int) -> np.ndarray:
        hazard = sample_parameter(
            self.hazard, root=root, key="reversal/hazard", start=start, stop=stop
        )
        u = keyed_uniforms(root, Stream.REVERSAL, "reversal", start, stop)[:, 0]
        years = np.full(stop - start, NO_REVERSAL, dtype=np.int64)
        years[hazard >= 1.0] = 0
        live = (hazard > 0.0) & (hazard < 1.0)
        with np.errstate(over="ignore"):  # tiny hazards overflow to inf: never
            ratio = np.log1p(-u[live]) / np.log1p(-hazard[live])
        years[live] = np.floor(np.minimum(ratio, NO_REVERSAL)).astype(np.int64)
        return years


# --------------------------------------------------------------------------- behaviour
_DATES_PER_YEAR = {"monthly": 12, "quarterly": 4, "annual": 1, "never": 0}


class Rebalancing(_Positional):
    """How holders trade back to their target share.

    Parameters
    ----------
    frequency : {"monthly", "quarterly", "annual", "never"}
        Rebalancing dates.
    fraction : float
        Share of holders who trade back to target on each date, in [0, 1]
        (in expectation; < 1 is partial rebalancing). Source: about 6% of
        participants change their mix per quarter (Fidelity Q1 2025,
        CALIBRATION "Participant behaviour"), so ``Rebalancing("quarterly",
        0.06)`` describes self-directed savers.
    """

    _positional: ClassVar[tuple[str, ...]] = ("frequency", "fraction")
    frequency: Literal["monthly", "quarterly", "annual", "never"] = "never"
    fraction: float = 1.0

    @field_validator("frequency", mode="before")
    @classmethod
    def _frequency_known(cls, value: Any) -> Any:
        return _one_of("frequency", tuple(_DATES_PER_YEAR), value)

    @field_validator("fraction")
    @classmethod
    def _fraction_range(cls, value: float) -> float:
        check_uncertain_range("fraction", value, 0.0, 1.0)
        return value

    def every(self, periods_per_year: int) -> int:
        """Periods between rebalancing dates (0 for "never").

        For 12 periods a year: monthly 1, quarterly 3, annual 12. Otherwise the
        nearest integer (halves round up) to ``periods_per_year`` / dates per
        year, at least 1: with 4 periods a year monthly and quarterly are both 1.
        """
        periods_per_year = check_int("periods_per_year", periods_per_year, low=1)
        dates = _DATES_PER_YEAR[self.frequency]
        return 0 if dates == 0 else max(1, math.floor(periods_per_year / dates + 0.5))


def as_rebalancing(value: str | Rebalancing) -> Rebalancing:
    """A :class:`Rebalancing` as is, or a frequency string as ``Rebalancing(frequency=...)``."""
    if isinstance(value, Rebalancing):
        return value
    if isinstance(value, str):
        return Rebalancing(frequency=value)
    raise TypeError(f"rebalancing must be a frequency string or a Rebalancing; got {value!r}")


#: Field type accepting a Rebalancing or a frequency string.
_RebalancingField = Annotated[
    Rebalancing, BeforeValidator(lambda v: Rebalancing(frequency=v) if isinstance(v, str) else v)
]


class DefaultChannel(Spec):
    """A sleeve inside a target-date fund or managed account, for default investors.

    Every default investor of an adopting plan holds it; no election.

    Parameters
    ----------
    sleeve_share : float or tuple of (age, share)
        Share of the fund in the asset, in [0, 1], or a glide path by age as
        points with strictly increasing ages (linear between points, flat
        beyond the ends). Default 0.01 (the "if only 1%" headline,
        CALIBRATION "The pool and the headline"; BlackRock plans 5-20% for a
        private sleeve).
    rebalancing : Rebalancing or str
        The fund trades back to its sleeve; default monthly, as target-date
        funds do (*est.*).
    """

    kind: Literal["default"] = Field(default="default", repr=False)
    sleeve_share: float | tuple[tuple[int, float], ...] = 0.01
    rebalancing: _RebalancingField = Rebalancing(frequency="monthly")

    @field_validator("sleeve_share")
    @classmethod
    def _valid_glide(cls, value: Any) -> Any:
        if not isinstance(value, tuple):
            return check_uncertain_range("sleeve_share", value, 0.0, 1.0)
        if not value:
            raise ValueError("sleeve_share glide needs at least one (age, share) point; got ()")
        ages = [age for age, _ in value]
        if any(b <= a for a, b in itertools.pairwise(ages)):
            raise ValueError(f"sleeve_share ages must be strictly increasing; got {ages}")
        for age, share in value:
            check_uncertain_range(f"sleeve_share at age {age}", share, 0.0, 1.0)
        return value

    def share_at_age(self, age: Any) -> np.ndarray:
        """Sleeve share at ``age`` (years, array_like), same shape, fraction."""
        age = np.asarray(age, dtype=float)
        if not isinstance(self.sleeve_share, tuple):
            return np.full(age.shape, float(self.sleeve_share))
        ages, shares = zip(*self.sleeve_share, strict=True)
        return np.interp(age, np.array(ages, dtype=float), np.array(shares, dtype=float))


class ActiveChannel(Spec):
    """Participants elect the asset on the core menu or through a brokerage window.

    Parameters
    ----------
    opt_in_rate : float or curve
        Share of participants in adopting plans who elect the option, in
        [0, 1], or a curve of it over time (e.g. :func:`crypto_opt_in_curve`).
        Default 1.0: every participant, for scenarios that state the overall
        share elsewhere.
    allocation_share : float or distribution
        Share of an electing participant's balance and contributions directed
        to the asset, in [0, 1]; default 0.01 (the "if only 1%" headline;
        Schroders 2025: half of interested participants would put under 10%).
    rebalancing : Rebalancing or str
        Default "never".

    Notes
    -----
    Most self-directed holdings are never rebalanced: about 6% of
    participants change their mix in a quarter (Fidelity), so an elected
    share drifts with prices -- up after a rally, down after a crash -- and
    the asset only ever receives new money. With rebalancing, holdings above
    target are *sold* back each date (and topped up after falls); when the
    asset is expected to outgrow the rest of the account, it sits above
    target on average, rebalancing is a net seller, and the expected net flow
    over ten years (contributions minus rebalancing sales) can be negative
    where the same scenario without rebalancing gives a positive one. The
    rebalancing choice can thus flip the sign of the headline; report both.
    """

    kind: Literal["active"] = Field(default="active", repr=False)
    opt_in_rate: float | CurveField = 1.0
    allocation_share: Uncertain = 0.01
    rebalancing: _RebalancingField = Rebalancing(frequency="never")

    @field_validator("opt_in_rate")
    @classmethod
    def _opt_in_range(cls, value: Any) -> Any:
        return (
            value
            if isinstance(value, Curve)
            else check_uncertain_range("opt_in_rate", value, 0.0, 1.0)
        )

    @field_validator("allocation_share")
    @classmethod
    def _allocation_range(cls, value: Uncertain) -> Uncertain:
        return check_uncertain_range("allocation_share", value, 0.0, 1.0)

    @property
    def opt_in_curve(self) -> Curve:
        """``opt_in_rate`` as a curve (a float becomes :class:`Fixed`)."""
        return as_curve(self.opt_in_rate, name="opt_in_rate")


Channel: TypeAlias = DefaultChannel | ActiveChannel
