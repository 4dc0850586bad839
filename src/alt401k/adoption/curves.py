"""Adoption curves: the cumulative share adopted over time (Fixed, Logistic, Bass)."""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal, TypeAlias

import numpy as np
from pydantic import Field, model_validator
from scipy import special  # type: ignore[import-untyped]  # scipy ships no stubs

from .._random import by_blocks
from .._validation import check_int
from ..uncertain import Distribution, Uncertain, _mean, check_uncertain_range, sample_parameter
from ._base import _Positional, _text


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
