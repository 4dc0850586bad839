"""Statistics reduced chunk by chunk, in memory that does not grow with the scenarios.

A large run keeps, for each named series (an (S, Y) quantity such as the net
flow or the holdings), per-year moments and, for some series, a quantile
sketch, instead of the (S, Y) arrays themselves:

* **Moments** (count, mean, sum of squared deviations, min, max) are exact to
  rounding. They are reduced per seed block of
  :data:`~alt401k._random.BLOCK_SIZE` scenarios and the blocks folded in
  block order with Chan's pairwise update, so the bits depend on neither the
  chunk size nor the executor (chunk boundaries are block boundaries).
* **Quantiles** come from a logarithmic histogram with relative accuracy
  ``alpha`` (the mapping of DDSketch; Masson, Rim and Lee, VLDB 2019): a
  value ``x`` with ``|x|`` in ``(gamma**(k-1), gamma**k]``, ``gamma = (1 +
  alpha) / (1 - alpha)``, is counted in bucket ``k`` of its sign, and every
  value of a bucket is within ``alpha`` (relative) of the bucket's
  representative ``2 gamma**k / (gamma + 1)``. Counts are integers, so the
  sketch merges exactly in any order. Values below :data:`MIN_MAGNITUDE` (a
  cent) in absolute value share the zero bucket; a value above
  :data:`MAX_MAGNITUDE` or not finite is an error, never clipped.

:meth:`StreamedStats.quantile` interpolates linearly between the two order
statistics around rank ``q (n - 1)``, like ``numpy.quantile``'s default, with
each order statistic replaced by its bucket's representative; the result is
within ``alpha * max(|x_(j)|, |x_(j+1)|)`` (plus a cent) of ``numpy.quantile``
of the same values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._random import BLOCK_SIZE
from .._validation import check_fraction
from ._stats import quantile_label

__all__ = [
    "DEFAULT_RELATIVE_ACCURACY",
    "MAX_MAGNITUDE",
    "MIN_MAGNITUDE",
    "STREAMED_SE_METHOD",
    "BlockMoments",
    "StreamedStats",
]

#: How the streamed summaries' ``se=True`` computes ``<column>_se`` (``frame.attrs["se_method"]``).
STREAMED_SE_METHOD = (
    "means and probabilities: batch means over the independent seed blocks of 1,000 "
    "(std of the block means / sqrt(blocks)); quantiles: distribution-free order-statistic "
    "interval (the quantiles at q -+ 1.96 sqrt(q(1-q)/n)) over 2 x 1.96, exact for mc and "
    "conservative for antithetic and qmc; the sketch's relative accuracy is not included"
)
#: Default relative accuracy of streamed quantiles: 0.5%, a worst-case bound (a value
#: sits anywhere in its bucket). Measured on ``ak.Scenario().run(10_000, rng=1)`` by
#: bootstrap, the Monte Carlo standard error of the 10th-year holdings' 5th, 50th and
#: 95th percentiles is 1.8%, 1.3% and 3.0%, so the bound stays below the sampling
#: error of those figures up to about 100,000 scenarios. Quantities that vary less
#: (the whole pool's assets: 0.45% at 10,000 scenarios) or runs of millions want
#: ``relative_accuracy=0.001``, at five times the sketch's memory.
DEFAULT_RELATIVE_ACCURACY = 0.005
#: Values smaller than this in absolute value (a cent, the smallest amount of money)
#: count as zero in the sketch.
MIN_MAGNITUDE = 1e-2
#: Largest absolute value the sketch accepts: 1e16 dollars, about 20 times the world's
#: household wealth (about $450T), so only a broken run reaches it (an error, never a clip).
MAX_MAGNITUDE = 1e16


@dataclass(frozen=True)
class BlockMoments:
    """Moments of every series over one seed block: arrays of shape (N, Y)."""

    count: int
    mean: np.ndarray
    m2: np.ndarray
    min: np.ndarray
    max: np.ndarray


def _buckets(alpha: float) -> tuple[float, int, int]:
    """``(log gamma, k_min, n_keys)`` of the sketch of accuracy ``alpha``."""
    log_gamma = math.log((1.0 + alpha) / (1.0 - alpha))
    k_min = math.ceil(math.log(MIN_MAGNITUDE) / log_gamma)
    k_max = math.ceil(math.log(MAX_MAGNITUDE) / log_gamma)
    return log_gamma, k_min, k_max - k_min + 1


@dataclass
class StreamedStats:
    """Per-year moments of named (S, Y) series, and quantile sketches of some of them.

    Build with :meth:`empty`, feed chunks with :meth:`add`, then read
    :meth:`mean`, :meth:`std`, :meth:`min`, :meth:`max` and
    :meth:`quantile`. Memory: ``5 N Y`` floats for the moments and ``(2 K +
    1) Q Y`` integers for the ``Q`` sketched series, ``K`` = 4,145 buckets a
    sign at the default accuracy (about 66 KB a series-year); nothing grows
    with the number of scenarios.

    Attributes
    ----------
    names : tuple of str, length N
        Series with moments.
    sketched : tuple of str, length Q
        Series with quantiles (a subset of ``names``).
    n_years : int
    relative_accuracy : float
        ``alpha`` of the quantile sketch, in (0, 0.5].
    count : int
        Scenarios folded in.
    """

    names: tuple[str, ...]
    sketched: tuple[str, ...]
    n_years: int
    relative_accuracy: float
    count: int
    _mean: np.ndarray
    _m2: np.ndarray
    _min: np.ndarray
    _max: np.ndarray
    _counts: np.ndarray  # (Q, Y, 2K + 1) int64
    # Batch means over seed blocks: blocks folded, sum of block means and of their squares.
    _n_blocks: int = 0
    _block_sum: np.ndarray | None = None
    _block_sq: np.ndarray | None = None

    @classmethod
    def empty(
        cls,
        names: Sequence[str],
        sketched: Sequence[str],
        n_years: int,
        relative_accuracy: float = DEFAULT_RELATIVE_ACCURACY,
    ) -> StreamedStats:
        """No scenarios yet."""
        alpha = check_fraction("relative_accuracy", relative_accuracy, low=1e-4, high=0.5)
        missing = [name for name in sketched if name not in names]
        if missing:
            raise ValueError(f"sketched series must also have moments; not in names: {missing}")
        n, q = len(names), len(sketched)
        _, _, n_keys = _buckets(alpha)
        return cls(
            names=tuple(names),
            sketched=tuple(sketched),
            n_years=n_years,
            relative_accuracy=alpha,
            count=0,
            _mean=np.zeros((n, n_years)),
            _m2=np.zeros((n, n_years)),
            _min=np.full((n, n_years), np.inf),
            _max=np.full((n, n_years), -np.inf),
            _counts=np.zeros((q, n_years, 2 * n_keys + 1), dtype=np.int64),
        )

    # -- building ---------------------------------------------------------

    def block_moments(self, series: Mapping[str, np.ndarray]) -> list[BlockMoments]:
        """Moments of ``series`` (name to (s, Y) values of consecutive scenarios), per seed block.

        The first row must be the first scenario of a block (as every chunk's is).
        """
        values = self._stack(series, self.names)
        out = []
        for lo in range(0, values.shape[1], BLOCK_SIZE):
            block = values[:, lo : lo + BLOCK_SIZE]
            mean = block.mean(axis=1)
            out.append(
                BlockMoments(
                    count=block.shape[1],
                    mean=mean,
                    m2=((block - mean[:, None]) ** 2).sum(axis=1),
                    min=block.min(axis=1),
                    max=block.max(axis=1),
                )
            )
        return out

    def bucket_counts(self, series: Mapping[str, np.ndarray]) -> np.ndarray:
        """Sketch counts of the sketched series over some scenarios, (Q, Y, 2K + 1)."""
        values = self._stack(series, self.sketched)  # (Q, s, Y)
        log_gamma, k_min, n_keys = _buckets(self.relative_accuracy)
        magnitude = np.abs(values)
        too_big = magnitude > MAX_MAGNITUDE
        if too_big.any():
            q = int(np.argwhere(too_big)[0][0])
            raise ValueError(
                f"streamed series {self.sketched[q]!r} holds {values[too_big][0]:.3g}; the "
                f"quantile sketch covers absolute values up to {MAX_MAGNITUDE:g}"
            )
        with np.errstate(divide="ignore"):
            keys = np.ceil(np.log(magnitude) / log_gamma)
        small = magnitude < MIN_MAGNITUDE
        offset = np.where(small, 0.0, np.maximum(keys - k_min, 0.0)).astype(np.int64)
        index = np.where(
            small, n_keys, np.where(values > 0, n_keys + 1 + offset, n_keys - 1 - offset)
        )
        q, _, y = values.shape
        width = 2 * n_keys + 1
        flat = index + (np.arange(q)[:, None, None] * y + np.arange(y)[None, None, :]) * width
        return np.bincount(flat.reshape(-1), minlength=q * y * width).reshape(q, y, width)

    def add(self, blocks: Iterable[BlockMoments], counts: np.ndarray | None = None) -> None:
        """Fold block moments (in block order) and sketch counts into these statistics."""
        for b in blocks:
            if self.count == 0:
                self._mean, self._m2 = b.mean.copy(), b.m2.copy()
                self._min, self._max = b.min.copy(), b.max.copy()
            else:
                total = self.count + b.count
                delta = b.mean - self._mean
                self._mean = self._mean + delta * (b.count / total)
                self._m2 = self._m2 + b.m2 + delta**2 * (self.count * b.count / total)
                self._min = np.minimum(self._min, b.min)
                self._max = np.maximum(self._max, b.max)
            self.count += b.count
            if self._block_sum is None or self._block_sq is None:
                self._block_sum, self._block_sq = b.mean.copy(), b.mean**2
            else:
                self._block_sum = self._block_sum + b.mean
                self._block_sq = self._block_sq + b.mean**2
            self._n_blocks += 1
        if counts is not None:
            self._counts += counts

    def _stack(self, series: Mapping[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
        missing = [name for name in names if name not in series]
        if missing:
            raise ValueError(f"series missing from the chunk: {missing}")
        values = np.stack([np.asarray(series[name], dtype=float) for name in names])
        if values.ndim != 3 or values.shape[2] != self.n_years:
            raise ValueError(
                f"each series must have shape (scenarios, {self.n_years}); got {values.shape[1:]}"
            )
        if not np.isfinite(values).all():
            bad = int(np.argwhere(~np.isfinite(values))[0][0])
            raise ValueError(f"streamed series {names[bad]!r} holds a non-finite value")
        return values

    # -- reading ----------------------------------------------------------

    def _row(self, name: str) -> int:
        if name not in self.names:
            raise KeyError(f"no streamed series {name!r}; series: {', '.join(self.names)}")
        return self.names.index(name)

    def mean(self, name: str) -> np.ndarray:
        """Mean across scenarios per year, (Y,)."""
        return self._mean[self._row(name)].copy()

    def mean_se(self, name: str) -> np.ndarray:
        """Monte Carlo standard error of :meth:`mean` per year, (Y,): batch means over seed blocks.

        Blocks of 1,000 scenarios are independent under every sampling method,
        so ``std(block means) / sqrt(number of blocks)``; NaN under two blocks.
        """
        row = self._row(name)
        b = self._n_blocks
        if b < 2 or self._block_sum is None or self._block_sq is None:
            return np.full(self.n_years, np.nan)
        total, squares = self._block_sum[row], self._block_sq[row]
        var = np.maximum(squares - total**2 / b, 0.0) / (b - 1)
        return np.sqrt(var / b)

    def quantile_se(self, name: str, q: float) -> np.ndarray:
        """Monte Carlo standard error of :meth:`quantile` per year, (Y,): order statistics.

        The distribution-free 95% interval of the ``q`` quantile of ``n``
        independent scenarios lies between the quantiles ``q -+ 1.96 sqrt(q (1
        - q) / n)``; its half-width over 1.96 is the standard error. Exact for
        ``sampling="mc"``, conservative (too wide) for antithetic and qmc
        runs; the sketch's own ``relative_accuracy`` bound comes on top.
        """
        q = check_fraction("q", q)
        half = 1.96 * math.sqrt(q * (1.0 - q) / max(self.count, 1))
        upper = self._spread_quantile(name, min(q + half, 1.0))
        lower = self._spread_quantile(name, max(q - half, 0.0))
        return (upper - lower) / (2 * 1.96)

    def _spread_quantile(self, name: str, q: float) -> np.ndarray:
        """Quantile ``q`` per year with each bucket's values spread evenly over it, (Y,).

        Resolves ranks inside a bucket (where :meth:`quantile` gives one value),
        so the order-statistic interval of a large run does not collapse to 0.
        """
        counts = self._counts_of(name)  # (Y, 2K + 1)
        log_gamma, k_min, n_keys = _buckets(self.relative_accuracy)
        index = np.arange(2 * n_keys + 1)
        key = np.where(index > n_keys, index - n_keys - 1, n_keys - 1 - index) + k_min
        top, bottom = np.exp(key * log_gamma), np.exp((key - 1) * log_gamma)
        lower = np.where(index > n_keys, bottom, -top)
        upper = np.where(index > n_keys, top, -bottom)
        lower[n_keys] = upper[n_keys] = 0.0
        cumulative = np.cumsum(counts, axis=1)
        rank = min(q * self.count, self.count - 0.5)
        b = (cumulative > rank).argmax(axis=1)
        rows = np.arange(counts.shape[0])
        inside = (rank - (cumulative[rows, b] - counts[rows, b])) / counts[rows, b]
        return lower[b] + inside * (upper[b] - lower[b])

    def std(self, name: str) -> np.ndarray:
        """Standard deviation across scenarios per year (ddof=1; 0 for one scenario), (Y,)."""
        m2 = self._m2[self._row(name)]
        return np.sqrt(m2 / max(self.count - 1, 1))

    def min(self, name: str) -> np.ndarray:
        """Smallest value per year, (Y,)."""
        return self._min[self._row(name)].copy()

    def max(self, name: str) -> np.ndarray:
        """Largest value per year, (Y,)."""
        return self._max[self._row(name)].copy()

    def quantile(self, name: str, q: float) -> np.ndarray:
        """Quantile ``q`` (in [0, 1]) across scenarios per year, (Y,), from the sketch.

        Linear interpolation between the order statistics around rank ``q (n -
        1)``, each known to relative accuracy ``relative_accuracy`` (see the
        module docstring for the bound).
        """
        q = check_fraction("q", q)
        counts = self._counts_of(name)
        cumulative = np.cumsum(counts, axis=1)
        rank = q * (self.count - 1)
        j = math.floor(rank)
        frac = rank - j
        value_j = self._value(cumulative, j)
        if frac == 0.0:
            return value_j
        value_next = self._value(cumulative, min(j + 1, self.count - 1))
        return value_j + frac * (value_next - value_j)

    def _value(self, cumulative: np.ndarray, rank: int) -> np.ndarray:
        """Representative of the bucket holding the order statistic ``rank`` (0-based), (Y,)."""
        index = (cumulative > rank).argmax(axis=1)
        return self._representatives()[index]

    def _representatives(self) -> np.ndarray:
        """The value standing for each bucket, in bucket order, (2K + 1,)."""
        log_gamma, k_min, n_keys = _buckets(self.relative_accuracy)
        gamma = math.exp(log_gamma)
        index = np.arange(2 * n_keys + 1)
        key = np.where(index > n_keys, index - n_keys - 1, n_keys - 1 - index) + k_min
        magnitude = 2.0 * np.exp(key * log_gamma) / (gamma + 1.0)
        return np.where(index == n_keys, 0.0, np.sign(index - n_keys) * magnitude)

    def _counts_of(self, name: str) -> np.ndarray:
        if name not in self.sketched:
            raise KeyError(
                f"series {name!r} has no quantile sketch; sketched: {', '.join(self.sketched)}"
            )
        if self.count == 0:
            raise ValueError("no scenarios have been added")
        return self._counts[self.sketched.index(name)]  # (Y, 2K + 1)

    def lower_tail_mean(self, name: str, level: float = 0.05) -> np.ndarray:
        """Mean of the lowest ``max(1, floor(level n))`` values per year (CVaR), (Y,).

        From the sketch: each value is replaced by its bucket's representative,
        so the result is within ``relative_accuracy`` times the tail's mean
        absolute value (plus a cent) of the exact figure.
        """
        level = check_fraction("level", level)
        counts = self._counts_of(name)
        k = max(1, math.floor(level * self.count))
        before = np.cumsum(counts, axis=1) - counts
        taken = np.clip(k - before, 0, counts)
        return (taken * self._representatives()).sum(axis=1) / k

    def fraction_below(self, name: str, value: float) -> np.ndarray:
        """Share of values below ``value`` per year, (Y,), from the sketch.

        Values in buckets below the one ``value`` falls in count in full, that
        bucket's values count half: the error is at most half the share of
        values in that one bucket (within ``relative_accuracy`` of ``value``).
        """
        counts = self._counts_of(name)
        log_gamma, k_min, n_keys = _buckets(self.relative_accuracy)
        magnitude = abs(float(value))
        if magnitude < MIN_MAGNITUDE:
            index = n_keys
        else:
            offset = max(math.ceil(math.log(magnitude) / log_gamma) - k_min, 0)
            index = n_keys + 1 + offset if value > 0 else n_keys - 1 - offset
        below = counts[:, :index].sum(axis=1) + 0.5 * counts[:, index]
        return below / self.count

    def by_year(self, name: str, quantiles: Sequence[float]) -> dict[str, np.ndarray]:
        """``mean``, ``std``, ``min``, ``max`` and, for a sketched series, each quantile's
        column (labelled ``p05`` ...) of series ``name``, (Y,) each."""
        out = {"mean": self.mean(name), "std": self.std(name)}
        out.update(min=self.min(name), max=self.max(name))
        if name in self.sketched:
            for q in quantiles:
                out[quantile_label(q)] = self.quantile(name, q)
        return out

    def nbytes(self) -> int:
        """Bytes held by the statistics (independent of the number of scenarios)."""
        arrays = (self._mean, self._m2, self._min, self._max, self._counts)
        return int(sum(a.nbytes for a in arrays))
