"""What both pages share: scenario files, running with progress, caching, errors, units.

Nothing here draws a page; the pages (:mod:`.pool_page`, :mod:`.saver_page`)
do, with these helpers.
"""

from __future__ import annotations

import importlib.resources
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

__all__ = [
    "BILLION",
    "SCENARIO_FILES",
    "ChunkProgress",
    "ResultCache",
    "backend",
    "describe_error",
    "scenario_path",
]

BILLION = 1e9
#: The named scenario files the pool page starts from, in the order shown.
SCENARIO_FILES = ("headline", "cautious", "base", "aggressive")
#: Scenarios per chunk: the seed block, so progress counts blocks and every chunk is whole.
CHUNK = 1_000

_T = TypeVar("_T")


def scenario_path(name: str) -> Path:
    """The scenario file ``name``.yaml: shipped in the wheel, else the repository's examples/.

    Raises
    ------
    ValueError
        For a name not in :data:`SCENARIO_FILES`.
    FileNotFoundError
        If neither copy exists.
    """
    if name not in SCENARIO_FILES:
        raise ValueError(f"scenario must be one of {', '.join(SCENARIO_FILES)}; got {name!r}")
    shipped = importlib.resources.files("alt401k.app").joinpath("scenarios", f"{name}.yaml")
    if shipped.is_file():
        return Path(str(shipped))
    # An editable or source install: the files live in the repository's examples/.
    source = Path(__file__).resolve().parents[3] / "examples" / "scenarios" / f"{name}.yaml"
    if source.is_file():
        return source
    raise FileNotFoundError(f"scenario file {name}.yaml is not installed with alt401k")


def describe_error(err: Exception) -> str:
    """The library's own message for a bad input, on one line (the command line's words)."""
    from ..cli import _describe

    if isinstance(err, ValidationError | ValueError):
        return _describe(err)
    return " ".join(str(err).split())


def backend() -> Literal["numpy", "numba"]:
    """``"numba"`` if installed (the ``fast`` extra: the same numbers, faster), else numpy."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return "numpy"
    return "numba"


class ChunkProgress(Executor):
    """An executor that runs chunks of scenarios and reports how many are done.

    Passed as ``executor=`` to :meth:`Scenario.run` or
    :func:`simulate_participant`, which hand it one chunk at a time and
    gather them in order, so results are the same bits as any other
    executor's. With one worker a chunk runs in the calling thread, right
    away; with more, on a thread pool (numba's loop and numpy's generators
    release the GIL). ``on_done(done)`` is called in the calling thread as
    chunks are submitted and once more at the end, never from a worker.
    """

    def __init__(self, n_workers: int, on_done: Callable[[int], None]) -> None:
        self._on_done = on_done
        self._done = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=n_workers) if n_workers > 1 else None

    def _finished(self, _future: Future[Any]) -> None:
        with self._lock:
            self._done += 1

    @property
    def done(self) -> int:
        with self._lock:
            return self._done

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        self._on_done(self.done)
        if self._pool is not None:
            future = self._pool.submit(fn, *args, **kwargs)
            future.add_done_callback(self._finished)
            return future
        inline: Future[_T] = Future()
        try:
            inline.set_result(fn(*args, **kwargs))
        except BaseException as err:  # handed back through the future, as a pool would
            inline.set_exception(err)
        self._finished(inline)
        self._on_done(self.done)
        return inline

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class ResultCache:
    """Results by key (scenario text, scenario count, seed), the oldest dropped first.

    One per process, shared by every browser session of the app: a rerun of
    the same inputs (a page switch, a download, another visitor) is free.
    """

    def __init__(self, max_entries: int = 16) -> None:
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def n_chunks(n_scenarios: int) -> int:
    """Chunks of :data:`CHUNK` scenarios in a run."""
    return -(-n_scenarios // CHUNK)


def dollars_b(value: float) -> str:
    """Billions of dollars, e.g. ``$1.2B``, ``-$630M`` below a billion."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= BILLION:
        return f"{sign}${size / BILLION:,.1f}B"
    return f"{sign}${size / 1e6:,.0f}M"


def dollars(value: float) -> str:
    """Whole dollars, e.g. ``$23,495``."""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"
