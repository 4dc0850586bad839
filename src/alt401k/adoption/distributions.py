"""Uncertain parameters: distributions drawn once per scenario, range checks, sampling.

A parameter typed :data:`Uncertain` is a float or a :class:`Uniform`,
:class:`Triangular`, :class:`Normal` or :class:`Beta` distribution;
:func:`sample_parameter` draws it per scenario under a key of its own.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias

import numpy as np
from pydantic import ConfigDict, Field, field_serializer, model_validator
from scipy import stats  # type: ignore[import-untyped]  # scipy ships no stubs

from .._random import Stream, by_blocks, keyed_uniforms
from .._validation import check_int
from ._base import _Positional, _text

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
