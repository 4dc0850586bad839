# Why this file is above 500 lines: it is a gallery of independent figures
# (fan chart, flow bands, holdings share, sweep heatmap, tornado, histogram),
# each one self-contained function of 40-80 lines over a few shared helpers
# (axes, dollar labels, matplotlib import); split by figure, each file would
# hold one function and repeat the helpers' imports.
"""Pictures of results: fan charts, flow bands, holdings, sweeps, tornado, histograms.

Every function draws on a matplotlib ``Axes`` (a new figure when ``ax`` is
None), labels its axes with units and returns the ``Axes``. matplotlib is an
optional dependency (the ``plot`` extra) imported only when a function is
called::

    pip install 'alt401k[plot]'

>>> import alt401k as ak
>>> from alt401k import plotting
>>> out = ak.Scenario(sponsor_adoption=0.5, opt_in_rate=0.1, allocation_share=0.02).run(200, rng=1)
>>> ax = plotting.flow_bands(out)  # doctest: +SKIP
>>> ax.figure.savefig("flows.png")  # doctest: +SKIP

Dollar axes use :func:`dollar_formatter` (``$1.2M``, ``$125B``, ``-$3K``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .results import (
    ParticipantResults,
    PoolResults,
    check_quantiles,
    needs_paths_hint,
    quantile_label,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.ticker import FuncFormatter

__all__ = [
    "dollar_formatter",
    "fan_chart",
    "flow_bands",
    "format_dollars",
    "holdings_share",
    "sweep_heatmap",
    "terminal_histogram",
    "tornado",
]

_MISSING = "plotting needs matplotlib: pip install 'alt401k[plot]'"
_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def _pyplot() -> Any:
    """matplotlib.pyplot, or an ImportError saying how to install it."""
    try:
        import matplotlib  # noqa: F401
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(_MISSING) from exc
    return plt


def _axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.0)) -> Axes:
    if ax is not None:
        return ax
    plt = _pyplot()
    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def format_dollars(value: float) -> str:
    """Dollars in a short form: ``$1.2M``, ``$125B``, ``-$3.5K``, ``$850``.

    Three significant digits at most, trailing zeros dropped, the minus sign
    before the dollar sign.
    """
    if not np.isfinite(value):
        return str(value)
    sign = "-" if value < 0 else ""
    size = abs(float(value))
    for unit, suffix in _UNITS:
        # 999.96 thousand would print as "1e+03K": round first, then pick the unit.
        if float(f"{size:.3g}") >= unit:
            return f"{sign}${_short(size / unit)}{suffix}"
    return f"{sign}${_short(size)}"


def _short(x: float) -> str:
    text = f"{x:.3g}"
    return f"{x:,.0f}" if "e" in text else text


def dollar_formatter() -> FuncFormatter:
    """A matplotlib tick formatter writing dollars as :func:`format_dollars` does."""
    _pyplot()
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: format_dollars(value))


def _dollar_label(what: str, real: bool) -> str:
    return f"{what} ({'start-year' if real else 'nominal'} $)"


def _paths(result: Any, real: bool) -> tuple[np.ndarray, np.ndarray, str]:
    """Balance paths (S, Y), years (Y,) and the quantity's name of a result."""
    if isinstance(result, ParticipantResults):
        values, what = result.balance_end, "account balance"
    elif isinstance(result, PoolResults):
        values, what = result.holdings, f"pool holdings of {result.scenario.asset}"
    else:
        raise TypeError(
            "result must be a ParticipantResults or a PoolResults; "
            f"got {type(result).__name__}{needs_paths_hint(result)}"
        )
    if real:
        values = values / result.price_level
    return values, np.asarray(result.years), what


def fan_chart(
    result: ParticipantResults | PoolResults,
    *,
    real: bool = False,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
    ax: Axes | None = None,
) -> Axes:
    """Balances over the years as shaded quantile bands.

    Parameters
    ----------
    result : ParticipantResults or PoolResults
        A saver's run (its year-end ``balance_end``) or a pool run (the
        pool's year-end ``holdings`` of the asset).
    real : bool
        Start-year dollars, each scenario deflated by its own price path
        (``balance / price_level``), instead of nominal dollars.
    quantiles : sequence of float
        Quantiles across scenarios, in (0, 1). They are paired from the
        outside in (first with last, ...) into bands shaded darker towards
        the centre; an unpaired middle quantile (the median) is a line.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        x: calendar year; y: dollars.
    """
    qs = sorted(check_quantiles(quantiles))
    if len(set(qs)) != len(qs):
        raise ValueError(f"quantiles must not repeat; got {tuple(quantiles)}")
    values, years, what = _paths(result, real)
    ax = _axes(ax)
    bands = np.quantile(values, qs, axis=0)  # (Q, Y)
    n_pairs = len(qs) // 2
    for i in range(n_pairs):
        lo, hi = qs[i], qs[-1 - i]
        ax.fill_between(
            years,
            bands[i],
            bands[-1 - i],
            color="C0",
            alpha=0.15 + 0.45 * (i + 1) / (n_pairs + 1),
            linewidth=0,
            label=f"{quantile_label(lo)}-{quantile_label(hi)}",
        )
    if len(qs) % 2:
        mid = qs[n_pairs]
        ax.plot(years, bands[n_pairs], color="C0", linewidth=2, label=quantile_label(mid))
    ax.set_xlabel("year")
    ax.set_ylabel(_dollar_label(f"{what}, year end", real))
    ax.yaxis.set_major_formatter(dollar_formatter())
    ax.set_title(f"{what}: {result.n_scenarios:,} scenarios")
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def _check_pool(pool_result: Any) -> PoolResults:
    if not isinstance(pool_result, PoolResults):
        raise TypeError(
            "pool_result must be a PoolResults (from Scenario.run); "
            f"got {type(pool_result).__name__}{needs_paths_hint(pool_result)}"
        )
    return pool_result


def flow_bands(pool_result: PoolResults, *, ax: Axes | None = None) -> Axes:
    """Mean net purchases of the asset per year by component, with the net-flow band.

    Parameters
    ----------
    pool_result : PoolResults
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Stacked bars: the mean over scenarios of each component of
        ``flow_paths`` (:attr:`PoolResults.COMPONENTS`: reallocation,
        contributions, distributions, rebalancing), positive parts stacked
        up from zero and negative parts down. Over them the 5th-95th
        percentile band and the median of the net flow (all components).
        x: calendar year; y: nominal dollars per year (ticks in $K/$M/$B).
    """
    out = _check_pool(pool_result)
    ax = _axes(ax)
    years = np.asarray(out.years)
    means = out.flow_paths.mean(axis=0)  # (Y, C)
    up = np.zeros(len(years))
    down = np.zeros(len(years))
    for i, name in enumerate(out.COMPONENTS):
        part = means[:, i]
        base = np.where(part >= 0, up, down)
        ax.bar(years, part, bottom=base, width=0.7, color=f"C{i}", label=f"{name} (mean)")
        up = up + np.maximum(part, 0.0)
        down = down + np.minimum(part, 0.0)
    p05, p50, p95 = np.quantile(out.net_flows, (0.05, 0.5, 0.95), axis=0)
    ax.fill_between(
        years, p05, p95, color="0.2", alpha=0.15, linewidth=0, label="net flow p05-p95", zorder=3
    )
    ax.plot(years, p50, color="0.1", linewidth=1.5, marker="o", ms=3, label="net flow p50")
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel("net purchases per year (nominal $)")
    ax.yaxis.set_major_formatter(dollar_formatter())
    ax.set_title(f"flows into {out.scenario.asset}: {out.n_scenarios:,} scenarios")
    # Below the axes: inside, any corner can cover a bar (the $125B year-one bar of
    # the headline sits top left).
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=3,
        fontsize="small",
        frameon=False,
    )
    ax.grid(axis="y", alpha=0.3)
    return ax


def holdings_share(pool_result: PoolResults, *, ax: Axes | None = None) -> Axes:
    """The asset's share of the whole DC pool at each year end: median and 90% band.

    Parameters
    ----------
    pool_result : PoolResults
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``100 * holdings / pool_assets`` per scenario and year, its median
        (line) and 5th-95th percentile band across scenarios. x: calendar
        year; y: percent of the pool.
    """
    out = _check_pool(pool_result)
    _pyplot()
    from matplotlib.ticker import FuncFormatter

    ax = _axes(ax)
    years = np.asarray(out.years)
    share = 100.0 * np.divide(
        out.holdings,
        out.pool_assets,
        out=np.zeros_like(out.holdings),
        where=out.pool_assets > 0,
    )
    p05, p50, p95 = np.quantile(share, (0.05, 0.5, 0.95), axis=0)
    ax.fill_between(years, p05, p95, color="C2", alpha=0.3, linewidth=0, label="p05-p95")
    ax.plot(years, p50, color="C2", linewidth=2, marker="o", ms=3, label="p50")
    ax.set_xlabel("year")
    ax.set_ylabel(f"{out.scenario.asset} share of DC pool (%)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.3g}%"))
    ax.set_ylim(bottom=0.0)
    ax.set_title(f"{out.scenario.asset} held by the pool, year end")
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def _grid_label(value: Any) -> str:
    if isinstance(value, float | int | np.floating | np.integer) and not isinstance(value, bool):
        return f"{float(value):g}"
    return str(value)


def _grid_axis(frame: pd.DataFrame, column: str) -> list[Any]:
    """Distinct values of a grid column: sorted if numeric, else in order of appearance."""
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values):
        return sorted(values.unique().tolist())
    return list(dict.fromkeys(values.map(_grid_label)))


#: Words for the suffixes of summary and sweep columns.
_STAT_WORDS = {
    "mean": "mean",
    "p05": "5th percentile",
    "p50": "median",
    "p95": "95th percentile",
    "std": "standard deviation",
}


def column_label(name: str) -> str:
    """A column name in words for an axis: ``cumulative_flow_p50`` -> "cumulative net flow, median".

    Parameters
    ----------
    name : str
        A column of a summary or sweep frame, or a knob.

    Returns
    -------
    str
        Underscores as spaces, a statistic suffix spelled out, ``flow`` as
        "net flow" where the column is a net flow.
    """
    text = str(name)
    stat = None
    head, _, tail = text.rpartition("_")
    if head and tail in _STAT_WORDS:
        text, stat = head, _STAT_WORDS[tail]
    words = text.replace("_", " ")
    if words in ("cumulative flow", "net flow"):
        words = "cumulative net flow" if words.startswith("cumulative") else "net flow"
    return f"{words}, {stat}" if stat else words


def sweep_heatmap(
    frame: pd.DataFrame, x: str, y: str, value: str, *, ax: Axes | None = None
) -> Axes:
    """A heatmap of one outcome of :func:`alt401k.sweep` over two knobs, annotated.

    Parameters
    ----------
    frame : DataFrame
        One row per grid point, e.g. ``ak.sweep(base, sponsor_adoption=[...],
        allocation_share=[...])``. Each ``(x, y)`` pair must appear once.
    x, y : str
        Knob columns for the horizontal and the vertical axis (numeric
        columns are sorted; others, such as distributions, keep their order
        and are labelled by their ``str``).
    value : str
        The dollar column to colour, e.g. ``"headline_reallocation"`` or
        ``"cumulative_flow_p50"``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One cell per grid point, coloured by ``value`` (colour bar in
        dollars) and annotated with it (``$125B``); empty cells are grid
        points missing from ``frame``.

    Raises
    ------
    ValueError
        If a column is missing or an ``(x, y)`` pair repeats (the frame has
        a third knob: select one of its values first).
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame; got {type(frame).__name__}")
    missing = [c for c in (x, y, value) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"sweep_heatmap: column {missing[0]!r} is not in the frame; "
            f"columns: {', '.join(map(str, frame.columns))}"
        )
    keys = pd.DataFrame({"x": frame[x].map(_grid_label), "y": frame[y].map(_grid_label)})
    if keys.duplicated().any():
        raise ValueError(
            f"sweep_heatmap: each ({x}, {y}) pair must appear once; the frame repeats some "
            "(select one value of the other knobs first)"
        )
    xs = [_grid_label(v) for v in _grid_axis(frame, x)]
    ys = [_grid_label(v) for v in _grid_axis(frame, y)]
    grid = np.full((len(ys), len(xs)), np.nan)
    for kx, ky, v in zip(keys["x"], keys["y"], frame[value], strict=True):
        grid[ys.index(ky), xs.index(kx)] = float(v)
    ax = _axes(ax, figsize=(1.2 * len(xs) + 3.0, 0.6 * len(ys) + 2.5))
    image = ax.imshow(np.ma.masked_invalid(grid), origin="lower", aspect="auto", cmap="viridis")
    cbar = ax.figure.colorbar(image, ax=ax, format=dollar_formatter())
    cbar.set_label(f"{column_label(value)} (nominal $)")
    finite = grid[np.isfinite(grid)]
    middle = 0.5 * (finite.min() + finite.max()) if finite.size else 0.0
    for (i, j), v in np.ndenumerate(grid):
        if np.isfinite(v):
            ax.text(
                j,
                i,
                format_dollars(v),
                ha="center",
                va="center",
                fontsize="small",
                color="black" if v > middle else "white",
            )
    ax.set_xticks(range(len(xs)), xs)
    ax.set_yticks(range(len(ys)), ys)
    ax.set_xlabel(column_label(x))
    ax.set_ylabel(column_label(y))
    ax.set_title(f"{column_label(value)}, nominal dollars")
    return ax


#: What a sensitivity table's ``effect`` is, by its ``attrs["method"]``.
_METHOD_WORDS = {
    "rank": "Spearman rank correlation",
    "sobol": "first-order Sobol index",
}


def tornado(frame: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars of each uncertain input's effect on a target, largest at the top.

    Parameters
    ----------
    frame : DataFrame
        A sensitivity table (``result.sensitivity(target=...)``) or any frame
        with columns ``input`` (the input's name) and ``effect`` (its signed
        effect on the target: a rank correlation, a Sobol index, a dollar
        swing). Rows are drawn sorted by absolute effect. If
        ``frame.attrs`` holds ``"target"`` and ``"method"`` (as
        :meth:`PoolResults.sensitivity` sets them) the x axis names the
        measure and its unit (a rank correlation, a Sobol index) and the
        title the target; a row without an effect (``market paths /
        unexplained``) is left out.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per input, blue for a positive effect and red for a
        negative one. x: the effect, in the units of ``effect``.

    Raises
    ------
    ValueError
        If ``input`` or ``effect`` is missing, or the frame has no rows.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame; got {type(frame).__name__}")
    missing = [c for c in ("input", "effect") if c not in frame.columns]
    if missing:
        raise ValueError(
            f"tornado needs columns 'input' and 'effect'; {missing[0]!r} is missing "
            f"(columns: {', '.join(map(str, frame.columns))})"
        )
    if frame.empty:
        raise ValueError("tornado needs at least one row; the frame is empty")
    frame = frame[np.isfinite(frame["effect"].astype(float))]  # the unexplained row of a rank table
    if frame.empty:
        raise ValueError("tornado needs at least one row with a finite effect")
    effect = frame["effect"].astype(float).to_numpy()
    order = np.argsort(np.abs(effect), kind="stable")  # barh draws the first row at the bottom
    names = [str(frame["input"].iloc[k]) for k in order]
    values = effect[order]
    ax = _axes(ax, figsize=(7.0, 0.4 * len(values) + 1.5))
    colors = np.where(values >= 0, "C0", "C3")
    ax.barh(np.arange(len(values)), values, color=colors)
    ax.set_yticks(np.arange(len(values)), names)
    ax.axvline(0.0, color="0.3", linewidth=0.8)
    target = frame.attrs.get("target")
    method = frame.attrs.get("method")
    measure = _METHOD_WORDS.get(str(method), "effect")
    of = f" of {target}" if target else ""
    if method == "rank":
        ax.set_xlabel(f"{measure} with {target} (unitless, -1 to 1)" if target else measure)
    elif method == "sobol":
        ax.set_xlabel(f"{measure}{of} (share of its variance, 0 to 1)")
    else:
        ax.set_xlabel(f"effect{of}" + (f" ({method})" if method else ""))
    ax.set_ylabel("uncertain input")
    n_scenarios = frame.attrs.get("n_scenarios")
    title = "What drives the spread" + (f" of {str(target).split(',')[0]}" if target else "")
    ax.set_title(title + (f": {int(n_scenarios):,} scenarios" if n_scenarios else ""))
    ax.grid(axis="x", alpha=0.3)
    return ax


def _terminal(result: Any, real: bool, name: str) -> np.ndarray:
    if not isinstance(result, ParticipantResults):
        raise TypeError(
            f"{name} must be a ParticipantResults (from simulate_participant); "
            f"got {type(result).__name__}{needs_paths_hint(result)}"
        )
    return result.terminal_real_balance if real else result.terminal_balance


def terminal_histogram(
    result: ParticipantResults,
    baseline: ParticipantResults | None = None,
    *,
    real: bool = False,
    bins: int = 60,
    ax: Axes | None = None,
) -> Axes:
    """Distribution of the terminal balance with the sleeve and, optionally, without it.

    Parameters
    ----------
    result : ParticipantResults
        The run with the alternative sleeve.
    baseline : ParticipantResults, optional
        The same saver without the sleeve (best on the same seed, so the
        runs share market paths).
    real : bool
        Start-year dollars (each scenario deflated by its own price path).
    bins : int
        Number of bins, shared by both histograms. They span the 0.5th to
        the 99.5th percentile of all values drawn, so one extreme path does
        not squash the picture; the few values outside are not drawn.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Step histograms with dashed lines at each median. x: terminal
        balance in dollars; y: share of scenarios per bin.
    """
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise ValueError(f"bins must be a positive integer; got {bins!r}")
    _pyplot()
    from matplotlib.ticker import PercentFormatter

    series = {
        "with sleeve" if baseline is not None else "terminal balance": _terminal(
            result, real, "result"
        )
    }
    if baseline is not None:
        series = {"without sleeve": _terminal(baseline, real, "baseline"), **series}
    every = np.concatenate(list(series.values()))
    lo, hi = np.quantile(every, (0.005, 0.995))
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, int(bins) + 1)
    ax = _axes(ax)
    for k, (label, values) in enumerate(series.items()):
        color = f"C{k}" if baseline is not None else "C1"
        weights = np.full(values.shape, 1.0 / values.size)
        ax.hist(
            values,
            bins=edges.tolist(),
            weights=weights,
            histtype="stepfilled",
            alpha=0.35,
            color=color,
            label=f"{label} (median {format_dollars(float(np.median(values)))})",
        )
        ax.hist(values, bins=edges.tolist(), weights=weights, histtype="step", color=color)
        ax.axvline(float(np.median(values)), color=color, linestyle="--", linewidth=1.2)
    ax.set_xlabel(_dollar_label("terminal balance", real))
    ax.set_ylabel("share of scenarios")
    ax.xaxis.set_major_formatter(dollar_formatter())
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))
    ax.set_title(f"terminal balance: {result.n_scenarios:,} scenarios")
    ax.legend(loc="upper right", fontsize="small")
    ax.text(
        0.99,
        -0.2,
        # "\$": a bare pair of dollar signs would start matplotlib's math text.
        f"x axis cut to the middle 99% of scenarios ({format_dollars(lo)} to "
        f"{format_dollars(hi)}); the outer 1% are not drawn".replace("$", r"\$"),
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize="x-small",
        color="0.35",
    )
    ax.grid(alpha=0.3)
    return ax
