"""Uncertain inputs: distributions drawn once per scenario, range checks, sampling.

Part of the base layer (DESIGN.md, "Layers"): markets (an asset's uncertain
expected return) and adoption (uncertain rates and shares) both take these
inputs, so they live below both; this module imports only the base
(``_spec``, ``_random``, ``_validation``). ``alt401k.adoption`` re-exports the
names, as it did when they lived in ``alt401k.adoption.distributions``.

A parameter typed :data:`Uncertain` is a float or a :class:`Uniform`,
:class:`Triangular`, :class:`Normal`, :class:`Beta` (also in its mean and
concentration form, :meth:`Beta.from_mean`), :class:`LogNormal` or
:class:`Choice` distribution; :func:`sample_parameter` draws it per scenario
under a key of its own. Each distribution has a ``kind`` tag (its JSON
discriminator), ``ppf``, ``mean``, ``variance`` and ``support``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self, TypeAlias

import numpy as np
from pydantic import ConfigDict, Field, field_serializer, model_validator
from scipy import stats  # type: ignore[import-untyped]  # scipy ships no stubs

from ._random import Stream, by_blocks, keyed_uniforms
from ._spec import Spec
from ._validation import check_int


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


Finite = Annotated[float, Field(allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]


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

    @classmethod
    def from_mean(
        cls, mean: float, concentration: float, low: float = 0.0, high: float = 1.0
    ) -> Self:
        """The Beta on ``[low, high]`` with a given mean and concentration ``a + b``.

        With ``m = (mean - low) / (high - low)`` the mean scaled to [0, 1],
        ``a = m * concentration`` and ``b = (1 - m) * concentration``; the
        variance is ``(high - low)**2 * m * (1 - m) / (concentration + 1)``, so a
        larger concentration is a tighter distribution around ``mean``.

        Raises
        ------
        ValueError
            If a bound is not finite, ``low >= high``, ``mean`` is not strictly
            between ``low`` and ``high`` or ``concentration`` is not ``> 0``.
        """
        for name, value in (("mean", mean), ("concentration", concentration)):
            _check_finite(f"Beta.from_mean {name}", value)
        for name, value in (("low", low), ("high", high)):
            _check_finite(f"Beta.from_mean {name}", value)
        if not float(low) < float(high):
            raise ValueError(
                f"Beta.from_mean needs low < high; got low={_text(low)}, high={_text(high)}"
            )
        if not float(low) < float(mean) < float(high):
            raise ValueError(
                f"Beta.from_mean mean must be strictly between {_text(low)} and {_text(high)}; "
                f"got {_text(mean)}"
            )
        if not float(concentration) > 0.0:
            raise ValueError(
                f"Beta.from_mean concentration must be > 0; got {_text(concentration)}"
            )
        m = (float(mean) - float(low)) / (float(high) - float(low))
        c = float(concentration)
        return cls(a=m * c, b=(1.0 - m) * c, low=low, high=high)


def _check_finite(name: str, value: Any) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number; got {_text(value)}")


class LogNormal(_Distribution):
    """Log-normal distribution of a positive quantity, support ``(0, inf)``.

    ``log(X) ~ N(log(median), sigma**2)``: ``median`` is the median of ``X``
    itself (``> 0``) and ``sigma`` the standard deviation of ``log(X)`` (``> 0``;
    roughly the relative spread, e.g. ``0.2`` for about +/-20 %). The mean is
    ``median * exp(sigma**2 / 2)``. To give the mean and standard deviation of
    ``X`` instead, use :meth:`from_mean`. ``ppf`` is
    ``scipy.stats.lognorm(sigma, scale=median).ppf``: 0 at ``u = 0`` and
    infinity at ``u = 1``. Infinite support means it suits knobs with no upper
    bound (it is rejected where a parameter must stay in [0, 1]).
    """

    _positional: ClassVar[tuple[str, ...]] = ("median", "sigma")
    kind: Literal["lognormal"] = Field(default="lognormal", repr=False)
    median: Positive
    sigma: Positive

    def _check(self) -> bool:
        return True

    @property
    def support(self) -> tuple[float, float]:
        """``(0.0, inf)``."""
        return (0.0, math.inf)

    def _frozen(self) -> Any:
        return stats.lognorm(self.sigma, scale=self.median)

    @classmethod
    def from_mean(cls, mean: float, sd: float) -> Self:
        """The log-normal whose values have mean ``mean > 0`` and standard deviation ``sd > 0``.

        ``sigma**2 = log(1 + (sd / mean)**2)`` and
        ``median = mean / sqrt(1 + (sd / mean)**2)``.
        """
        _check_finite("LogNormal.from_mean mean", mean)
        _check_finite("LogNormal.from_mean sd", sd)
        if not float(mean) > 0.0:
            raise ValueError(f"LogNormal.from_mean mean must be > 0; got {_text(mean)}")
        if not float(sd) > 0.0:
            raise ValueError(f"LogNormal.from_mean sd must be > 0; got {_text(sd)}")
        ratio = 1.0 + (float(sd) / float(mean)) ** 2
        median, sigma = float(mean) / math.sqrt(ratio), math.sqrt(math.log(ratio))
        return cls.model_validate({"median": median, "sigma": sigma})


class Choice(_Distribution):
    """A discrete distribution over listed numbers, ``Choice((0.01, 0.02), (0.7, 0.3))``.

    ``values`` are distinct finite numbers (at least one); ``weights`` (default
    equal) are non-negative, one per value, with a positive sum. On validation
    the values are sorted (each keeping its weight) and the weights normalised
    to sum to 1. ``ppf(u)`` is the smallest value whose cumulative weight
    exceeds ``u``, so a draw is always one of the listed values with positive
    weight; ``support`` is the smallest and largest of those.
    """

    _positional: ClassVar[tuple[str, ...]] = ("values", "weights")
    kind: Literal["choice"] = Field(default="choice", repr=False)
    values: tuple[Finite, ...] = Field(min_length=1)
    weights: tuple[float, ...] | None = None

    def _check(self) -> bool:
        return True

    @model_validator(mode="after")
    def _normalised(self) -> Self:
        values = self.values
        weights = self.weights
        if weights is None:
            weights = tuple(1.0 / len(values) for _ in values)
        if len(weights) != len(values):
            raise ValueError(
                f"Choice weights must have one entry per value ({len(values)}); "
                f"got {len(weights)} weights"
            )
        for w in weights:
            if not (math.isfinite(w) and w >= 0.0):
                raise ValueError(
                    f"Choice weights must be finite numbers >= 0; got {_text(w)} "
                    f"in weights={list(weights)}"
                )
        total = math.fsum(weights)
        if not total > 0.0:
            raise ValueError(f"Choice weights must have a sum > 0; got weights={list(weights)}")
        if len(set(values)) != len(values):
            raise ValueError(f"Choice values must be distinct; got values={list(values)}")
        pairs = sorted(zip(values, weights, strict=True))
        if abs(total - 1.0) > 1e-12:  # normalise (already-normalised weights are kept exactly)
            pairs = [(v, w / total) for v, w in pairs]
        object.__setattr__(self, "values", tuple(float(v) for v, _ in pairs))
        object.__setattr__(self, "weights", tuple(float(w) for _, w in pairs))
        return self

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        values = np.asarray(self.values, dtype=float)
        weights = np.asarray(self.weights, dtype=float)
        return values, weights / weights.sum()

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest value with positive weight."""
        values, p = self._arrays()
        positive = values[p > 0.0]
        return (float(positive[0]), float(positive[-1]))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The listed value at cumulative probability ``u`` (any shape), same shape."""
        values, p = self._arrays()
        cum = np.cumsum(p)
        last = int(np.flatnonzero(p > 0.0)[-1])
        cum[last:] = 1.0
        index = np.minimum(np.searchsorted(cum, np.asarray(u, dtype=float), side="right"), last)
        return values[index]

    @property
    def mean(self) -> float:
        """Weighted mean of the values."""
        values, p = self._arrays()
        return float(np.dot(p, values))

    @property
    def variance(self) -> float:
        """Weighted variance of the values."""
        values, p = self._arrays()
        return float(np.dot(p, (values - self.mean) ** 2))


Distribution: TypeAlias = Uniform | Triangular | Normal | Beta | LogNormal | Choice
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
        # A LogNormal's support (0, inf) is open at 0: it satisfies "> 0".
        open_low = isinstance(value, LogNormal)
        if lo < low or (low_open and lo <= low and not open_low) or hi > high:
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
