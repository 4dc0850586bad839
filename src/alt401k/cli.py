# Why this file is above 500 lines: it is the whole command line in one place,
# read top to bottom as a user meets it: four subcommands (run, sweep, schema,
# app), each a short function, their output tables, and the one function that
# builds the argument parser, so that ``--help`` and the code that reads each
# option stay side by side. Splitting it would part the options from their use.
"""The command line: ``python -m alt401k run | sweep | schema | app``.

Subcommands
-----------
``run FILE [--scenarios N] [--seed S] [--out DIR | --stream] [--quiet]``
    Read a scenario file (YAML or JSON, :func:`alt401k.io.read_scenario`),
    run it, print a per-year table of mean flows into the asset by component,
    the net flow's 5th, 50th and 95th percentiles over scenarios and the
    cumulative net inflow's mean and 90% band, in nominal dollars of the unit
    the answer needs ($T, $B, $M or $K, named in the first line); with
    ``--out`` write the saved result (:func:`alt401k.io.save`) to DIR.
    ``--stream`` keeps statistics instead of paths (``keep_paths=False``), as
    runs of more than 100,000 scenarios do anyway unless ``--out`` needs the
    paths.
``sweep FILE --grid NAME=V1,V2,... [--grid ...] [--scenarios N] [--seed S] [--out FILE.csv]``
    Run :func:`alt401k.sweep` over the Cartesian product of the grids; print
    one row per grid point (dollar columns in $B) and write the frame, in
    dollars, to a CSV file with ``--out``.
``schema``
    Print the JSON schema of a scenario file.
``app [--port N]``
    Serve the browser app (:mod:`alt401k.app`, the ``app`` extra) on
    ``http://localhost:N`` (default a free port) and print its address; Ctrl-C
    stops it. No usage statistics are sent; the server listens on localhost only.

Executors (both commands): ``--executor serial|threads|processes|dask`` and
``--workers W`` choose where chunks of scenarios (for ``sweep``, points) run; results are
the same bits whatever they are.

Seeds: without ``--seed`` a fresh seed is drawn and printed, so every run can
be repeated exactly.

Progress: on a terminal (stdout a TTY, no ``--quiet``) a bar on stderr shows
that work is under way and the elapsed time. :meth:`Scenario.run` and
:func:`alt401k.sweep` report no progress of their own, so the bar has one step
(the whole run) and ticks elapsed time only; it never invents a fraction done.

Exit codes: 0 success; 2 a bad command line, a missing file or a scenario file
that fails validation (one line on stderr naming the field, and the line of
the file when the reader knows it); 1 a failure while writing output.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

import numpy as np
import pandas as pd
from pydantic import ValidationError

from .execution import EXECUTORS

__all__ = ["main"]

PROG = "alt401k"
BILLION = 1e9
#: Words in a sweep column's name that mark it as dollars (shown in $B when printed).
_DOLLAR_WORDS = ("flow", "holdings", "reallocation", "assets", "balance", "contributions")


class CommandError(Exception):
    """A user-facing failure: a one-line message and an exit code."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _io() -> ModuleType:
    # Imported when needed: the scenario-file reader is a separate module, and
    # `--help` should not pay for it.
    return importlib.import_module("alt401k.io")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _describe(err: Exception) -> str:
    """One line naming the field of the first error (pydantic) or the error's own words."""
    if isinstance(err, ValidationError):
        from ._validation import is_branch, meant_errors

        first = meant_errors(err.errors())[0]  # the branch the mapping's `kind` names
        field = ".".join(str(p) for p in first["loc"] if not is_branch(p)) or "scenario"
        msg = str(first["msg"]).removeprefix("Value error, ")
        if not first["loc"]:  # a validator of the whole model names its fields itself
            return _one_line(msg)
        # Our validators already name the field; pydantic's own messages do not.
        return _one_line(msg if msg.startswith(str(first["loc"][-1])) else f"{field}: {msg}")
    return _one_line(str(err))


def _read(path_text: str) -> Any:
    """The Scenario in a file, or a :class:`CommandError` (code 2)."""
    path = Path(path_text)
    if not path.is_file():
        raise CommandError(f"file not found: {path_text}")
    try:
        return _io().read_scenario(path)
    except FileNotFoundError:
        raise CommandError(f"file not found: {path_text}") from None
    except ValueError as err:  # includes pydantic's ValidationError
        message = _describe(err)
        if not message.startswith((path_text, str(path))):  # the reader may name the file
            message = f"{path_text}: {message}"
        raise CommandError(message) from None


def _seed(seed: int | None) -> int:
    """The given seed, or fresh entropy (printed by the caller so the run can be repeated)."""
    if seed is not None:
        return seed
    entropy = np.random.SeedSequence().entropy
    return int(entropy)  # type: ignore[arg-type]  # entropy of a fresh SeedSequence is an int


@contextmanager
def _working(description: str, show: bool) -> Iterator[None]:
    """A one-step tqdm bar on stderr whose elapsed time ticks while the block runs.

    Quiet when ``show`` is false or tqdm is not installed (the bar is cosmetic).
    """
    if not show:
        yield
        return
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped, unused-ignore]  # no stubs
    except ImportError:
        yield
        return
    bar = tqdm(total=1, desc=description, unit="run", leave=False, file=sys.stderr)
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.5):
            bar.refresh()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
        bar.update(1)
    finally:
        stop.set()
        ticker.join()
        bar.close()


@contextmanager
def _plain_progress(args: argparse.Namespace, description: str) -> Iterator[None]:
    """On a non-terminal (a log, a pipe), a line on stderr when work starts and when it ends.

    A bar cannot redraw there; two lines say the run is under way and how long it took.
    Nothing with ``--quiet`` or on a terminal (the bar shows instead).
    """
    if args.quiet or sys.stdout.isatty():
        yield
        return
    import time

    print(f"{description} (output is not a terminal: no bar; --quiet for none)", file=sys.stderr)
    start = time.perf_counter()
    yield
    print(f"done in {time.perf_counter() - start:.1f} s", file=sys.stderr)


def _show_progress(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stdout.isatty()


def _note(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr)


def flow_table(result: Any) -> pd.DataFrame:
    """Per-year table of a pool run in billions of nominal dollars.

    Parameters
    ----------
    result : PoolResults or StreamedPoolResults
        A streamed run's quantiles come from its sketch (to 0.5%).

    Returns
    -------
    DataFrame indexed by ``year``
        ``<component> mean $B`` for each flow component (means over
        scenarios of net purchases of the asset), ``net mean $B`` and the
        quantiles ``net p05 $B``, ``net p50 $B``, ``net p95 $B`` of the net
        flow over scenarios.
    """
    from .results import StreamedPoolResults

    out: dict[str, np.ndarray] = {}
    if isinstance(result, StreamedPoolResults):  # the same figures from its statistics
        table = result.summary((0.05, 0.5, 0.95))
        for name in result.COMPONENTS:
            out[f"{name} mean $B"] = table[f"{name}_mean"].to_numpy() / BILLION
        out["net mean $B"] = table["net_flow_mean"].to_numpy() / BILLION
        for label in ("p05", "p50", "p95"):
            out[f"net {label} $B"] = table[f"net_flow_{label}"].to_numpy() / BILLION
        out["cumulative mean $B"] = table["cumulative_flow_mean"].to_numpy() / BILLION
        for label in ("p05", "p95"):
            out[f"cumulative {label} $B"] = table[f"cumulative_flow_{label}"].to_numpy() / BILLION
        return pd.DataFrame(out, index=pd.Index(result.years, name="year"))
    for name in result.COMPONENTS:
        out[f"{name} mean $B"] = result.component(name).mean(axis=0) / BILLION
    net = result.net_flows
    out["net mean $B"] = net.mean(axis=0) / BILLION
    for q in (0.05, 0.5, 0.95):
        out[f"net p{round(q * 100):02d} $B"] = np.quantile(net, q, axis=0) / BILLION
    cumulative = result.cumulative_flows
    out["cumulative mean $B"] = cumulative.mean(axis=0) / BILLION
    for q in (0.05, 0.95):
        out[f"cumulative p{round(q * 100):02d} $B"] = np.quantile(cumulative, q, axis=0) / BILLION
    return pd.DataFrame(out, index=pd.Index(result.years, name="year"))


#: Units the flows table is printed in, by scale, with their words.
_UNITS = {"T": (1e3, "trillions"), "B": (1.0, "billions"), "M": (1e-3, "millions")}
_UNITS_SMALL = {"K": (1e-6, "thousands")}


def scaled_flow_table(table: pd.DataFrame) -> tuple[pd.DataFrame, str, int]:
    """:func:`flow_table` in the unit its answer needs, for printing.

    The unit is the one of the largest net or cumulative figure ($T, $B, $M
    or $K), so a run whose answer is $0.8B over ten years does not print as
    ``0.0``.

    Parameters
    ----------
    table : DataFrame
        :func:`flow_table`'s frame, columns ending ``$B``.

    Returns
    -------
    frame : DataFrame
        The same figures in the unit, columns ending ``$<unit>``.
    words : str
        The unit in words (``billions``).
    decimals : int
        Decimals to print: 2 when the largest figure is under 10 in the unit, else 1.
    """
    answer = [c for c in table.columns if c.startswith(("net", "cumulative"))]
    values = np.abs(table[answer].to_numpy(dtype=float)) * BILLION
    size = float(values[np.isfinite(values)].max(initial=0.0))
    unit = next((u for u, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6)) if size >= scale), "K")
    factor, words = {**_UNITS, **_UNITS_SMALL}[unit]
    frame = table / factor
    frame.columns = [str(c).removesuffix("$B") + f"${unit}" for c in table.columns]
    decimals = 2 if size / (BILLION * factor) < 10 else 1
    return frame, words, decimals


def _print_frame(frame: pd.DataFrame, stream: TextIO, decimals: int = 1) -> None:
    # Dollar columns to 0.1 (of their unit); knobs (e.g. allocation_share 0.01) keep their digits.
    formatters = {
        c: f"{{:,.{decimals}f}}".format
        for c in frame.columns
        if str(c).endswith((" $B", " $M", " $K", " $T"))
    }
    print(frame.to_string(formatters=formatters), file=stream)


def _run(args: argparse.Namespace) -> int:
    scenario = _read(args.file)
    seed = _seed(args.seed)
    if args.stream and args.out is not None:
        raise CommandError("--out saves paths, which a --stream run does not keep; drop one")
    try:
        what = f"simulating {args.scenarios:,} scenarios"
        with _working(what, _show_progress(args)), _plain_progress(args, what):
            result = scenario.run(
                args.scenarios,
                rng=seed,
                executor=args.executor,
                n_workers=args.workers,
                # --out saves paths; otherwise the run's default (statistics above
                # PATHS_LIMIT scenarios) unless --stream asks for statistics.
                keep_paths=True if args.out is not None else (False if args.stream else None),
            )
    except (ValueError, ImportError) as err:
        raise CommandError(_describe(err)) from None
    shown, words, decimals = scaled_flow_table(flow_table(result))
    print(
        f"{scenario.asset}: flows into the asset by year, {words} of nominal dollars; "
        f"means and net-flow quantiles over {result.n_scenarios:,} scenarios, seed {seed}; "
        "cumulative: net inflow since the start, mean and 90% band"
    )
    _print_frame(shown, sys.stdout, decimals)
    print("\nassumptions in force (every number, defaults included):")
    for key, value in scenario.assumptions().items():
        print(f"  {key}: {value}")
    if args.out is not None:
        try:
            _io().save(result, Path(args.out))
        except (OSError, ValueError) as err:
            raise CommandError(f"cannot write {args.out}: {_describe(err)}", code=1) from None
        size = sum(f.stat().st_size for f in Path(args.out).iterdir() if f.is_file())
        _note(args, f"saved result to {args.out} ({size / 2**20:.1f} MiB, arrays compressed)")
    return 0


def _grid_value(text: str) -> Any:
    """A grid value: a JSON number, boolean or null when it parses as one, else the string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _parse_grid(items: Sequence[str]) -> dict[str, list[Any]]:
    grids: dict[str, list[Any]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        name = name.strip()
        if not sep or not name or not values.strip():
            raise CommandError(f"--grid must look like NAME=V1,V2,...; got {item!r}")
        if name in grids:
            raise CommandError(f"--grid {name} given twice; put all its values in one --grid")
        grids[name] = [_grid_value(v.strip()) for v in values.split(",")]
    return grids


def _dollar_column(name: str) -> bool:
    return any(word in name for word in _DOLLAR_WORDS)


def sweep_display(frame: pd.DataFrame, knobs: Sequence[str]) -> pd.DataFrame:
    """The sweep frame for printing: dollar columns in billions, labelled ``$B``."""
    shown = {}
    for column in frame.columns:
        values = frame[column]
        if (
            column not in knobs
            and _dollar_column(str(column))
            and pd.api.types.is_numeric_dtype(values)
        ):
            shown[f"{column} $B"] = values / BILLION
        else:
            shown[str(column)] = values
    return pd.DataFrame(shown, index=frame.index)


def _sweep(args: argparse.Namespace) -> int:
    from .scenario import sweep

    grids: dict[str, Any] = _parse_grid(args.grid)
    scenario = _read(args.file)
    seed = _seed(args.seed)
    try:
        with _working(f"sweeping {args.scenarios:,} scenarios per point", _show_progress(args)):
            frame = sweep(
                scenario,
                n_scenarios=args.scenarios,
                rng=seed,
                executor=args.executor,
                n_workers=args.workers,
                **grids,
            )
    except (ValueError, ImportError) as err:
        raise CommandError(_describe(err)) from None
    print(
        f"{scenario.asset}: sweep over {', '.join(grids)}; dollars in billions (nominal), "
        f"{args.scenarios:,} scenarios per point, seed {seed}"
    )
    _print_frame(sweep_display(frame, list(grids)), sys.stdout)
    if args.out is not None:
        try:
            frame.to_csv(args.out, index=False)
        except OSError as err:
            raise CommandError(f"cannot write {args.out}: {_describe(err)}", code=1) from None
        _note(args, f"wrote {args.out}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(_io().scenario_schema(), indent=2))
    return 0


def _app(args: argparse.Namespace) -> int:
    try:
        app = importlib.import_module("alt401k.app")
        return int(app.launch(args.port))
    except ImportError as err:
        raise CommandError(_describe(err)) from None


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number; got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a TCP port, 1 to 65535; got {value}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def _seed_value(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more; got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m alt401k``."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Monte Carlo simulation of alternative assets in US DC plans.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("file", metavar="FILE", help="scenario file (.yaml, .yml or .json)")
        sub.add_argument(
            "--scenarios",
            type=_positive_int,
            default=1_000,
            metavar="N",
            help="market paths per run (default 1000)",
        )
        sub.add_argument(
            "--seed",
            type=_seed_value,
            default=None,
            metavar="S",
            help="random seed; default a fresh one, printed with the results",
        )
        sub.add_argument(
            "--quiet", action="store_true", help="no progress bar and no status messages"
        )
        sub.add_argument(
            "--executor",
            choices=EXECUTORS,
            default="serial",
            help="where chunks of scenarios (or sweep points) run; the numbers do not change",
        )
        sub.add_argument(
            "--workers",
            type=_positive_int,
            default=None,
            metavar="W",
            help="workers of a parallel executor (default: the cores available)",
        )

    run = commands.add_parser(
        "run",
        help="run a scenario file and print the flows table",
        description="Run a scenario file; print mean flows by component, net-flow "
        "quantiles and the cumulative net inflow with its 90% band per year, in nominal "
        "dollars of the unit the answer needs.",
    )
    common(run)
    run.add_argument("--out", metavar="DIR", help="write the saved result to this directory")
    run.add_argument(
        "--stream",
        action="store_true",
        help="keep per-year statistics, not paths: memory flat in --scenarios "
        "(the default above 100,000 scenarios without --out)",
    )
    run.set_defaults(handler=_run)

    sweep = commands.add_parser(
        "sweep",
        help="run a scenario file over a grid of knob values",
        description="Run a scenario file over the Cartesian product of grids; every point "
        "sees the same market paths.",
    )
    common(sweep)
    sweep.add_argument(
        "--grid",
        action="append",
        required=True,
        metavar="NAME=V1,V2,...",
        help="a Scenario field and its values, e.g. sponsor_adoption=0.1,0.5,1 (repeatable)",
    )
    sweep.add_argument("--out", metavar="FILE.csv", help="write the frame (dollars) to a CSV file")
    sweep.set_defaults(handler=_sweep)

    schema = commands.add_parser(
        "schema",
        help="print the JSON schema of a scenario file",
        description="Print the JSON schema of a scenario file.",
    )
    schema.set_defaults(handler=_schema, quiet=True)

    app = commands.add_parser(
        "app",
        help="serve the browser app on localhost (the app extra)",
        description="Serve the pool and saver pages in a local browser app "
        "(pip install 'alt401k[app]'); prints the address. Nothing leaves the machine.",
    )
    app.add_argument(
        "--port", type=_port, default=None, metavar="N", help="port on localhost (default: free)"
    )
    app.set_defaults(handler=_app, quiet=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 for bad input (command line, missing or invalid
        scenario file), 1 when output cannot be written.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help (0) and on usage errors (2)
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        code: int = args.handler(args)
    except CommandError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return err.code
    return code
