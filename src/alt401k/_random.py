"""Seeding and block-wise random streams (Scientific Python SPEC 7).

Every stochastic draw in alt401k goes through this module so that a run is
bit-for-bit reproducible whatever the chunk size used to compute it.

Scenarios are grouped in fixed blocks of :data:`BLOCK_SIZE`. Block ``b`` of a
run seeded with root sequence ``root`` owns the child sequence
``SeedSequence(root.entropy, spawn_key=root.spawn_key + (b,))`` -- exactly the
``b``-th child that ``root.spawn`` would hand out -- and each stochastic
component (asset shocks, inflation shocks, adoption, ...) takes its own
grandchild, so adding a component never shifts another's draws.

Within a block, draws are made in scenario-major (C) order, so the first
``k`` scenarios of a block are a prefix of the block's stream. A chunk that
covers only part of a block draws that prefix and keeps the rows it needs;
hence any partition of scenarios into chunks yields identical numbers.

Common random numbers across runs that differ in *shape* come from finer
keys:

* **Paths** (:func:`period_normals`) take one generator per (block,
  component, calendar-year index), so year ``y`` of scenario ``s`` is the
  same whatever the horizon: a 5-year run is the first 5 years of a 10-year
  run. The market model always draws shocks for its full asset list and a
  request for fewer assets selects columns, so the asset chosen or the
  portfolio held never changes the paths.
* **Per-scenario quantities** (:func:`keyed_uniforms`: an uncertain
  adoption parameter, a reversal date) take one generator per (block,
  component, key), with the key derived from the quantity's name, so adding
  or removing one uncertain input never shifts another's draws.

Variance reduction (:func:`sampled_period_normals`, ``sampling=``) changes
only how a block's market normals are made; every block stays an
independent replicate, so batch means over blocks still estimate the error:

* ``"mc"``: :func:`period_normals`, unchanged.
* ``"antithetic"``: scenarios ``2i`` and ``2i + 1`` of a block are a pair,
  the second the negative of the first; the pair's normals are row ``i`` of
  the year's generator, so horizons, chunks and assets keep every guarantee
  above. A batch of an even number of scenarios holds whole pairs.
* ``"qmc"``: per block and stream, a scrambled Sobol' sequence
  (:class:`scipy.stats.qmc.Sobol`, scrambled by the block's own generator)
  mapped to normals drives a Brownian bridge over the run's periods, one per
  column: the first coordinates set every column's total over the horizon,
  the next its midpoint, and so on (:data:`QMC_DIMENSIONS` coordinates from
  Sobol', the finer rest from the same generator's pseudo-random normals).
  The whole block is always computed, so chunks and executors still see the
  same numbers, and runs of the same horizon share them (common random
  numbers across portfolios, assets, saver and pool); a different horizon
  builds a different bridge, so a 5-year run is *not* the first 5 years of a
  10-year one under ``"qmc"``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from enum import IntEnum
from typing import Literal, TypeAlias, cast

import numpy as np

RngLike: TypeAlias = int | np.random.SeedSequence | np.random.Generator | None

#: The sampling methods of a run's market normals (``sampling=``).
Sampling: TypeAlias = Literal["mc", "antithetic", "qmc"]
SAMPLING_METHODS = ("mc", "antithetic", "qmc")
#: Leading bridge coordinates of a block drawn from Sobol' points under ``"qmc"``.
QMC_DIMENSIONS = 512

#: Scenarios per seed block. Fixed: changing it changes every seeded result.
BLOCK_SIZE = 1000


class Stream(IntEnum):
    """Index of each stochastic component's stream within a block."""

    ASSETS = 0
    INFLATION = 1
    ADOPTION = 2
    BEHAVIOUR = 3
    REVERSAL = 4
    MARKET_PARAMETERS = 5
    RUIN = 6
    RETURN_MODELS = 7


def as_seed_sequence(rng: RngLike, *, name: str = "rng") -> np.random.SeedSequence:
    """Normalize an ``rng`` argument to a root :class:`numpy.random.SeedSequence`.

    Parameters
    ----------
    rng : None, int, SeedSequence or Generator
        ``None`` draws fresh OS entropy; an int (>= 0) seeds deterministically;
        a ``SeedSequence`` is used as is; a ``Generator`` contributes 128 bits
        drawn from it (so the caller's generator advances, deterministically).
    name : str
        Argument name used in error messages.
    """
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return rng if rng is not None else np.random.SeedSequence()
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(rng.integers(0, 2**63, size=2, dtype=np.int64).tolist())
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative integer seed; got {rng}")
        return np.random.SeedSequence(int(rng))
    raise TypeError(
        f"{name} must be None, a non-negative int, a numpy SeedSequence or a numpy "
        f"Generator; got {type(rng).__name__}"
    )


def block_generator(
    root: np.random.SeedSequence, block: int, stream: Stream
) -> np.random.Generator:
    """The generator of one stochastic component within one scenario block."""
    seq = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, block, int(stream)))
    return np.random.Generator(np.random.PCG64(seq))


def iter_blocks(start: int, stop: int) -> Iterator[tuple[int, int, int]]:
    """Yield ``(block, lo, hi)``: rows ``lo:hi`` of ``block`` cover ``[start, stop)``."""
    first = start // BLOCK_SIZE
    last = (stop - 1) // BLOCK_SIZE
    for block in range(first, last + 1):
        base = block * BLOCK_SIZE
        yield block, max(start, base) - base, min(stop, base + BLOCK_SIZE) - base


def standard_normals(
    root: np.random.SeedSequence,
    stream: Stream,
    start: int,
    stop: int,
    tail: tuple[int, ...],
) -> np.ndarray:
    """Standard normal draws for scenarios ``start:stop``.

    Returns
    -------
    ndarray, shape (stop - start, *tail), float64
        Row ``i`` is scenario ``start + i``; identical whatever ``start`` and
        ``stop`` are, for the same root and scenario index.
    """
    if stop <= start:
        return np.empty((0, *tail))
    out = np.empty((stop - start, *tail))
    row = 0
    for block, lo, hi in iter_blocks(start, stop):
        gen = block_generator(root, block, stream)
        if lo == 0:
            gen.standard_normal(out=out[row : row + hi])
        else:
            out[row : row + hi - lo] = gen.standard_normal((hi, *tail))[lo:]
        row += hi - lo
    return out


def uniforms(
    root: np.random.SeedSequence,
    stream: Stream,
    start: int,
    stop: int,
    tail: tuple[int, ...],
) -> np.ndarray:
    """Uniform [0, 1) draws for scenarios ``start:stop``; see :func:`standard_normals`."""
    if stop <= start:
        return np.empty((0, *tail))
    out = np.empty((stop - start, *tail))
    row = 0
    for block, lo, hi in iter_blocks(start, stop):
        draws = block_generator(root, block, stream).random((hi, *tail))
        out[row : row + hi - lo] = draws[lo:]
        row += hi - lo
    return out


def period_normals(
    root: np.random.SeedSequence,
    stream: Stream,
    start: int,
    stop: int,
    n_years: int,
    periods_per_year: int,
    width: int,
) -> np.ndarray:
    """Standard normals for scenarios ``start:stop``, one generator per year.

    Year ``y`` of block ``b`` is drawn from the generator keyed
    ``(b, stream, y)`` as an array of shape (block rows, periods_per_year,
    width) in C order, so the draws of a scenario's year do not depend on the
    horizon, and the first ``k`` scenarios of a block are a prefix.

    Returns
    -------
    ndarray, shape (stop - start, n_years * periods_per_year, width), float64
    """
    return _yearly_draws(root, stream, start, stop, n_years, periods_per_year, width, (), False)


def _yearly_draws(
    root: np.random.SeedSequence,
    stream: Stream,
    start: int,
    stop: int,
    n_years: int,
    periods_per_year: int,
    width: int,
    key: tuple[int, ...],
    uniform: bool,
) -> np.ndarray:
    """Draws for scenarios ``start:stop`` from one generator per (block, stream, year, *key)."""
    n = periods_per_year
    out = np.empty((max(stop - start, 0), n_years * n, width))
    if stop <= start:
        return out
    row = 0
    for block, lo, hi in iter_blocks(start, stop):
        buffer = np.empty((hi, n, width))
        for year in range(n_years):
            seq = np.random.SeedSequence(
                root.entropy, spawn_key=(*root.spawn_key, block, int(stream), year, *key)
            )
            gen = np.random.Generator(np.random.PCG64(seq))
            if uniform:
                gen.random(out=buffer)
            else:
                gen.standard_normal(out=buffer)
            out[row : row + hi - lo, year * n : (year + 1) * n] = buffer[lo:]
        row += hi - lo
    return out


def keyed_period_draws(
    root: np.random.SeedSequence,
    stream: Stream,
    key: str,
    start: int,
    stop: int,
    n_years: int,
    periods_per_year: int,
    width: int = 1,
    *,
    uniform: bool = False,
) -> np.ndarray:
    """Standard normal (or uniform) draws of one named quantity, one generator per year.

    Like :func:`period_normals`, keyed ``(block, stream, year, stable_key(key))``:
    a shorter horizon is a prefix, any chunking gives the same numbers, and
    each named quantity has its own stream.

    Returns
    -------
    ndarray, shape (stop - start, n_years * periods_per_year, width), float64
    """
    return _yearly_draws(
        root, stream, start, stop, n_years, periods_per_year, width, (stable_key(key),), uniform
    )


def stable_key(name: str) -> int:
    """A stable 32-bit integer for a quantity's name (the same in every process)."""
    return zlib.crc32(name.encode("utf-8"))


def keyed_uniforms(
    root: np.random.SeedSequence,
    stream: Stream,
    key: str,
    start: int,
    stop: int,
    width: int = 1,
) -> np.ndarray:
    """Uniform [0, 1) draws of one named per-scenario quantity.

    The generator of block ``b`` is keyed ``(b, stream, stable_key(key))``,
    so each named quantity has a stream of its own.

    Returns
    -------
    ndarray, shape (stop - start, width), float64
        Row ``i`` is scenario ``start + i``, whatever the chunking.
    """
    out = np.empty((max(stop - start, 0), width))
    row = 0
    for block, lo, hi in iter_blocks(start, stop) if stop > start else ():
        seq = np.random.SeedSequence(
            root.entropy, spawn_key=(*root.spawn_key, block, int(stream), stable_key(key))
        )
        draws = np.random.Generator(np.random.PCG64(seq)).random((hi, width))
        out[row : row + hi - lo] = draws[lo:]
        row += hi - lo
    return out


def by_blocks(compute: Callable[[int, int], np.ndarray], start: int, stop: int) -> np.ndarray:
    """Evaluate ``compute(lo, hi)`` on whole seed blocks and keep rows ``start:stop``.

    Vectorized transcendental functions (``np.exp``, ``np.log``) may round
    the last bit differently in their SIMD body and their scalar tail, so an
    element's value can depend on the length of the array it sits in.
    Evaluating every quantity on whole blocks of :data:`BLOCK_SIZE`
    scenarios gives each scenario the same position, and the same bits,
    whatever the chunking.

    Parameters
    ----------
    compute : callable
        ``compute(lo, hi)`` returns an array whose leading axis is scenarios
        ``lo:hi``.
    start, stop : int
        Scenarios wanted.
    """
    parts = []
    for block, lo, hi in iter_blocks(start, stop) if stop > start else ():
        base = block * BLOCK_SIZE
        parts.append(compute(base, base + BLOCK_SIZE)[lo:hi])
    if not parts:
        return compute(start, start)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def seed_record(root: np.random.SeedSequence) -> dict[str, object]:
    """JSON-friendly description of a root seed, enough to reproduce a run."""
    return {"entropy": root.entropy, "spawn_key": list(root.spawn_key)}


def check_sampling(sampling: object) -> Sampling:
    """A validated ``sampling=`` argument: one of :data:`SAMPLING_METHODS`."""
    if not isinstance(sampling, str) or sampling not in SAMPLING_METHODS:
        raise ValueError(f"sampling must be 'mc', 'antithetic' or 'qmc'; got {sampling!r}")
    return cast(Sampling, sampling)


def sampled_period_normals(
    root: np.random.SeedSequence,
    stream: Stream,
    start: int,
    stop: int,
    n_years: int,
    periods_per_year: int,
    width: int,
    sampling: str = "mc",
) -> np.ndarray:
    """Standard normals for scenarios ``start:stop`` under a sampling method.

    ``"mc"`` is :func:`period_normals`; ``"antithetic"`` and ``"qmc"`` are
    described in the module docstring. Each scenario's normals are standard
    normal and independent across periods and columns under every method;
    the methods differ in how scenarios of a block depend on one another.

    Returns
    -------
    ndarray, shape (stop - start, n_years * periods_per_year, width), float64
    """
    sampling = check_sampling(sampling)
    if sampling == "mc":
        return period_normals(root, stream, start, stop, n_years, periods_per_year, width)
    n = periods_per_year
    out = np.empty((max(stop - start, 0), n_years * n, width))
    row = 0
    for block, lo, hi in iter_blocks(start, stop) if stop > start else ():
        if sampling == "antithetic":
            half = (hi + 1) // 2
            buffer = np.empty((half, n, width))
            pairs = np.empty((2 * half, n, width))
            for year in range(n_years):
                seq = np.random.SeedSequence(
                    root.entropy, spawn_key=(*root.spawn_key, block, int(stream), year)
                )
                np.random.Generator(np.random.PCG64(seq)).standard_normal(out=buffer)
                pairs[0::2] = buffer
                np.negative(buffer, out=pairs[1::2])
                out[row : row + hi - lo, year * n : (year + 1) * n] = pairs[lo:hi]
        else:
            out[row : row + hi - lo] = _qmc_block(root, stream, block, n_years * n, width)[lo:hi]
        row += hi - lo
    return out


def _qmc_block(
    root: np.random.SeedSequence, stream: Stream, block: int, n_periods: int, width: int
) -> np.ndarray:
    """A whole block's normals (BLOCK_SIZE, n_periods, width) from scrambled Sobol' points."""
    from scipy.special import ndtri  # type: ignore[import-untyped]  # scipy ships no stubs
    from scipy.stats import qmc  # type: ignore[import-untyped]

    seq = np.random.SeedSequence(
        root.entropy, spawn_key=(*root.spawn_key, block, int(stream), stable_key("qmc"))
    )
    gen = np.random.Generator(np.random.PCG64(seq))
    n_coords = n_periods * width
    n_sobol = min(n_coords, QMC_DIMENSIONS)
    bits = int(np.ceil(np.log2(BLOCK_SIZE)))
    try:
        sobol = qmc.Sobol(n_sobol, scramble=True, rng=gen)
    except TypeError:  # scipy < 1.15 names the generator ``seed``
        sobol = qmc.Sobol(n_sobol, scramble=True, seed=gen)
    points = sobol.random_base2(bits)[:BLOCK_SIZE]
    # Coordinates in order of importance: (bridge node, column), node-major.
    coords = np.empty((BLOCK_SIZE, n_coords))
    tiny = np.finfo(np.float64).tiny
    coords[:, :n_sobol] = ndtri(np.clip(points, tiny, 1.0 - np.finfo(np.float64).epsneg))
    if n_coords > n_sobol:
        coords[:, n_sobol:] = gen.standard_normal((BLOCK_SIZE, n_coords - n_sobol))
    nodes = coords.reshape(BLOCK_SIZE, n_periods, width)
    # Brownian bridge: W[0] = 0, W[T] first, then midpoints breadth-first.
    walk = np.zeros((BLOCK_SIZE, n_periods + 1, width))
    walk[:, n_periods] = np.sqrt(n_periods) * nodes[:, 0]
    for k, (mid, left, right) in enumerate(_bridge_order(n_periods), start=1):
        a = (right - mid) / (right - left)
        b = (mid - left) / (right - left)
        sd = np.sqrt((mid - left) * (right - mid) / (right - left))
        walk[:, mid] = a * walk[:, left] + b * walk[:, right] + sd * nodes[:, k]
    return np.diff(walk, axis=1)


def _bridge_order(n_periods: int) -> list[tuple[int, int, int]]:
    """The bridge's interior nodes ``(mid, left, right)`` in breadth-first order."""
    order: list[tuple[int, int, int]] = []
    intervals = [(0, n_periods)]
    while intervals:
        nxt = []
        for left, right in intervals:
            if right - left < 2:
                continue
            mid = (left + right) // 2
            order.append((mid, left, right))
            nxt += [(left, mid), (mid, right)]
        intervals = nxt
    return order
