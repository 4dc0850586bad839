"""Which uncertain input matters: sensitivity of a run's outcome to its drawn inputs.

A knob given as a distribution (``allocation_share=ak.Uniform(0.0, 0.05)``,
a curve parameter, an asset's ``expected_return_uncertainty``) is drawn once
per scenario and the draws are stored on the result (``PoolResults.draws``,
``ParticipantResults.market_draws``). :func:`sensitivity` ranks those inputs
by how much of the spread of a per-scenario outcome ``Y`` they explain, from
the recorded draws alone (*given data*: no extra runs).

Methods
-------
``"rank"``
    Spearman rank correlation ``rho_i`` of each input with ``Y``; its square
    is the share of the rank variance a monotone relation with that input
    explains, ``share = rho_i^2`` (over ``sum_j rho_j^2`` only when that sum
    passes 1), and the row ``market paths / unexplained`` holds the rest,
    ``1 - sum_j rho_j^2``: normalising over the recorded inputs alone would
    give them the market's part too.
``"sobol"``
    First-order Sobol index ``S_i = Var(E[Y | X_i]) / Var(Y)`` estimated by
    binning: the scenarios are cut into ``B`` equal-count bins of ``X_i``
    (by rank, so ties and heavy tails do no harm) and the between-bin
    variance of ``Y`` is compared with the total, with the degrees-of-freedom
    correction of the adjusted correlation ratio,
    ``S_i = 1 - [SS_within / (N - B)] / [SS_total / (N - 1)]`` (clipped at
    0), which removes the upward bias of the raw ratio under pure noise.
    ``total`` is ``E[Var(Y | X_~i)] / Var(Y)``, with ``X_~i`` the *other
    recorded* inputs, estimated from nearest neighbours in their rank space
    (half the mean squared difference of ``Y`` between each scenario and its
    nearest neighbour; Devroye et al. 2018's given-data estimator). The
    market paths are random too but are not recorded inputs, so ``total``
    counts their share with ``X_i``: it is an upper bound on the total index
    of ``X_i`` (equal to it when the market adds no spread).

``scipy.stats.sobol_indices`` needs a *function* it can call at points it
chooses (Saltelli's design), so it cannot use the draws of a finished run;
:func:`sobol_indices` passes a function of your own through to it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats  # type: ignore[import-untyped]  # scipy ships no stubs

if TYPE_CHECKING:
    from .results import ParticipantResults, PoolResults

__all__ = ["PARTICIPANT_TARGETS", "POOL_TARGETS", "UNEXPLAINED", "sensitivity", "sobol_indices"]

#: Targets of :func:`sensitivity` for a pool run (per scenario, by a year).
POOL_TARGETS = ("cumulative_flow", "holdings")
#: Targets of :func:`sensitivity` for a saver's run.
PARTICIPANT_TARGETS = ("terminal_balance", "after_tax_income")

METHODS = ("rank", "sobol")
#: The last row of a sensitivity table: the spread no recorded input explains.
UNEXPLAINED = "market paths / unexplained"


def _year_index(years: np.ndarray, year: int | None) -> int:
    """Index into ``years`` of a calendar year or of the Nth year (1-based)."""
    if year is None:
        return len(years) - 1
    hits = np.flatnonzero(years == year)
    if hits.size:
        return int(hits[0])
    if 1 <= int(year) <= len(years):
        return int(year) - 1
    raise ValueError(
        f"year must be a calendar year {int(years[0])}-{int(years[-1])} or a year count "
        f"1-{len(years)}; got {year!r}"
    )


def _is_pool(result: Any) -> bool:
    """A PoolResults (holding every scenario's flows), not a streamed one."""
    return all(hasattr(result, n) for n in ("cumulative_flows", "holdings", "draws", "years"))


def _is_participant(result: Any) -> bool:
    """A ParticipantResults (holding every scenario's balances), not a streamed one."""
    return all(
        hasattr(result, n) for n in ("terminal_balance", "retirement_outcomes", "market_draws")
    )


def _target_values(result: Any, target: str, year: int | None) -> tuple[np.ndarray, str]:
    """The per-scenario target (S,) and its label.

    The result's kind is read from what it holds (a pool's cumulative flows, a
    saver's terminal balances), not by importing the results classes: the
    results import this module for their ``sensitivity`` method.
    """
    if _is_pool(result):
        if target not in POOL_TARGETS:
            raise ValueError(
                f"target must be one of {', '.join(POOL_TARGETS)} for PoolResults; got {target!r}"
            )
        i = _year_index(result.years, year)
        series = result.cumulative_flows if target == "cumulative_flow" else result.holdings
        return series[:, i], f"{target} by {int(result.years[i])}, nominal dollars"
    if _is_participant(result):
        if target not in PARTICIPANT_TARGETS:
            raise ValueError(
                f"target must be one of {', '.join(PARTICIPANT_TARGETS)} for "
                f"ParticipantResults; got {target!r}"
            )
        if year is not None:
            raise ValueError(f"year is for pool targets; {target!r} has none, got {year!r}")
        if target == "terminal_balance":
            return result.terminal_balance, "terminal_balance, nominal dollars"
        if result.retirement_paths is None:
            raise ValueError(
                "target 'after_tax_income' needs a retirement phase: pass "
                "retirement=ak.Retirement(...) to simulate_participant"
            )
        income = result.retirement_outcomes(real=True)["mean_income"]
        return income, "after_tax_income (mean over retirement), start-year dollars"
    raise TypeError(
        f"result must be PoolResults or ParticipantResults; got {type(result).__name__}"
    )


def _inputs(result: Any) -> dict[str, np.ndarray]:
    """Recorded per-scenario draws that vary across scenarios."""
    draws = getattr(result, "draws", None)
    if draws is None:
        draws = getattr(result, "market_draws", {})
    return {
        name: np.asarray(values, dtype=float)
        for name, values in draws.items()
        if np.unique(np.asarray(values)).size > 1
    }


def _first_order(x: np.ndarray, y: np.ndarray, n_bins: int) -> float:
    """Adjusted correlation ratio of ``y`` on equal-count bins of ``x``'s ranks."""
    n = y.size
    ranks = stats.rankdata(x, method="average")
    bins = np.minimum(((ranks - 0.5) * n_bins / n).astype(int), n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    sums = np.bincount(bins, weights=y, minlength=n_bins)
    used = counts > 0
    means = sums[used] / counts[used]
    ss_total = float(np.sum((y - y.mean()) ** 2))
    ss_within = ss_total - float(np.sum(counts[used] * (means - y.mean()) ** 2))
    b = int(used.sum())
    if n - b <= 0:
        return float("nan")
    return max(0.0, 1.0 - (ss_within / (n - b)) / (ss_total / (n - 1)))


def _total(others: np.ndarray, y: np.ndarray) -> float:
    """E[Var(Y | X_~i)] / Var(Y) from nearest neighbours in the others' rank space."""
    var = float(np.var(y, ddof=1))
    if others.shape[1] == 0:
        return 1.0  # nothing else recorded: all the spread is X_i's or the market's
    from scipy.spatial import cKDTree  # type: ignore[import-untyped]  # no stubs

    n = y.size
    u = np.column_stack([stats.rankdata(c) / n for c in others.T])
    _, nearest = cKDTree(u).query(u, k=2)
    neighbour = nearest[:, 1]
    return float(min(1.0, 0.5 * np.mean((y - y[neighbour]) ** 2) / var))


def sensitivity(
    result: PoolResults | ParticipantResults,
    *,
    target: str = "cumulative_flow",
    year: int | None = None,
    method: str = "rank",
    quantity: np.ndarray | Callable[[Any], np.ndarray] | None = None,
    n_bins: int | None = None,
) -> pd.DataFrame:
    """Rank a run's uncertain inputs by their share of the spread of an outcome.

    Parameters
    ----------
    result : PoolResults or ParticipantResults
        A run in which some inputs were distributions; their per-scenario
        draws (``result.draws``, or ``result.market_draws`` for a saver) are
        the inputs ranked. Inputs that do not vary are left out.
    target : str
        The outcome ``Y``, one value per scenario. PoolResults:
        ``"cumulative_flow"`` (net purchases since the start, by ``year``;
        the default) or ``"holdings"`` (at ``year``), nominal dollars.
        ParticipantResults: ``"terminal_balance"`` (nominal) or
        ``"after_tax_income"`` (after-tax income from the plan averaged
        over the retirement years, start-year dollars; needs a retirement
        phase). With ``quantity`` it is only the label.
    year : int, optional
        Pool targets: a calendar year of the run or the Nth year (1-based);
        default the last.
    method : {"rank", "sobol"}
        See the module notes.
    quantity : ndarray (S,) or callable, optional
        Your own per-scenario outcome instead of a named target, or a
        function of the result returning it.
    n_bins : int, optional
        Bins of the first-order estimator (``"sobol"``); default
        ``round(sqrt(S))`` clipped to 2-50.

    Returns
    -------
    DataFrame
        One row per input, sorted by ``|effect|`` descending, then a last
        row :data:`UNEXPLAINED` (``"market paths / unexplained"``): the part
        of the spread no recorded input explains (the market paths, which
        are random but not recorded, and interactions). ``attrs`` holds the
        target's label, the method and the scenario count.
        ``"rank"``: ``input``, ``effect`` (Spearman correlation with the
        target; NaN on the last row), ``share`` (``effect**2``, the share of
        the rank variance; the last row ``1 - sum``, so the column sums to
        1), ``p_value``. ``"sobol"``: ``input``, ``effect`` (first-order
        index; the last row ``1 - sum``), ``total`` (upper bound on the
        total index, see Notes; NaN on the last row), ``bins``.

    Raises
    ------
    ValueError
        If the run has no uncertain input, the target is unknown or does
        not vary, or the method is unknown.

    Notes
    -----
    ``"rank"``: ``effect_i = corr(rank X_i, rank Y)``. ``"sobol"``:
    ``effect_i = Var(E[Y | X_i]) / Var(Y)`` by equal-count binning with the
    adjusted correlation ratio, and ``total_i = E[Var(Y | X_~i)] / Var(Y)``
    by nearest neighbours over the other recorded inputs; market randomness
    is not a recorded input, so ``total_i`` includes its share.
    """
    rest: dict[str, Any]
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if quantity is None:
        y, label = _target_values(result, target, year)
    else:
        y = np.asarray(quantity(result) if callable(quantity) else quantity, dtype=float)
        label = target
        if y.shape != (result.n_scenarios,):
            raise ValueError(
                f"quantity must have shape ({result.n_scenarios},), one value per scenario; "
                f"got {y.shape}"
            )
    inputs = _inputs(result)
    if not inputs:
        raise ValueError(
            "result has no uncertain inputs: no recorded draw varies across scenarios; give a "
            "knob a distribution, e.g. allocation_share=ak.Uniform(0.0, 0.05)"
        )
    if not np.all(np.isfinite(y)):
        raise ValueError(f"target {label!r} must be a finite number in every scenario")
    if np.ptp(y) == 0.0:
        raise ValueError(f"target {label!r} does not vary across scenarios; nothing to explain")
    names = list(inputs)
    if method == "rank":
        rows = []
        for name in names:
            rho, p = stats.spearmanr(inputs[name], y)
            rows.append({"input": name, "effect": float(rho), "p_value": float(p)})
        frame = pd.DataFrame(rows)
        squares = frame["effect"].to_numpy() ** 2
        total = squares.sum()
        # Shares of the rank variance, not of the recorded inputs' part of it: the
        # rest is the market paths' (and any interaction's), its own row below.
        frame.insert(2, "share", squares / max(total, 1.0))
        rest = {"input": UNEXPLAINED, "effect": np.nan, "share": max(0.0, 1.0 - total)}
        rest["p_value"] = np.nan
    else:
        n = y.size
        bins = int(n_bins) if n_bins is not None else int(np.clip(round(np.sqrt(n)), 2, 50))
        if not 2 <= bins <= n // 2:
            raise ValueError(f"n_bins must be 2 to {n // 2} (half the scenarios); got {n_bins!r}")
        matrix = np.column_stack([inputs[name] for name in names])
        rows = []
        for i, name in enumerate(names):
            rows.append(
                {
                    "input": name,
                    "effect": _first_order(inputs[name], y, bins),
                    "total": _total(np.delete(matrix, i, axis=1), y),
                    "bins": bins,
                }
            )
        frame = pd.DataFrame(rows)
        explained = float(frame["effect"].sum())
        rest = {"input": UNEXPLAINED, "effect": max(0.0, 1.0 - explained)}
        rest.update({"total": np.nan, "bins": bins})
    order = np.argsort(-np.abs(frame["effect"].to_numpy()), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    frame = pd.concat([frame, pd.DataFrame([rest])], ignore_index=True)
    frame.attrs.update({"target": label, "method": method, "n_scenarios": int(y.size)})
    return frame


def sobol_indices(
    func: Callable[[np.ndarray], np.ndarray],
    dists: Sequence[Any],
    n: int,
    *,
    rng: int | np.random.Generator | None = None,
) -> Any:
    """Sobol indices of a function you supply, by :func:`scipy.stats.sobol_indices`.

    A pass-through for when you can afford to rerun the model at chosen
    points: write ``func`` taking inputs of shape ``(d, m)`` and returning
    outputs of shape ``(s, m)`` (for instance by building and running a
    ``Scenario`` per column with fixed knobs and a fixed ``rng``), give one
    frozen scipy distribution per input, and ``n`` (a power of 2) base
    points: ``n * (d + 2)`` evaluations.

    Returns
    -------
    scipy.stats._sensitivity_analysis.SobolResult
        ``first_order`` and ``total_order`` arrays, and ``bootstrap()``.
    """
    parameters = inspect.signature(stats.sobol_indices).parameters
    # scipy >= 1.15 takes ``rng``; 1.11-1.14 only ``random_state``.
    key = "rng" if "rng" in parameters else "random_state"
    return stats.sobol_indices(func=func, n=n, dists=dists, **{key: rng})
