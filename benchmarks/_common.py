"""What the benchmarks share: the 8-asset saver portfolio, timing, the machine's description."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable

import numpy as np

import alt401k as ak

#: The assets of the saver benchmarks (the market model is ``default_markets().subset``).
ASSETS = [
    "us_equity",
    "us_bonds",
    "intl_equity",
    "em_equity",
    "real_estate",
    "private_equity",
    "private_credit",
    "bitcoin",
]
PERIODS_PER_YEAR = 12
SEED = 1


def saver_portfolio() -> ak.Portfolio:
    """A diversified core over seven of :data:`ASSETS` and a 2% bitcoin sleeve."""
    return ak.Portfolio(
        weights={
            "us_equity": 0.35,
            "us_bonds": 0.25,
            "intl_equity": 0.15,
            "em_equity": 0.05,
            "real_estate": 0.05,
            "private_equity": 0.08,
            "private_credit": 0.07,
        },
        alt_sleeve={"bitcoin": 0.02},
    )


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """Smallest wall-clock time of ``repeat`` calls of ``fn``, seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def blas_info() -> str:
    """Short description of numpy's BLAS (threadpoolctl when installed)."""
    try:
        from threadpoolctl import threadpool_info  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if pools:
            p = pools[0]
            return f"{p['internal_api']} {p['version']}, {p['num_threads']} threads"
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except (KeyError, TypeError, ValueError):
        return "unknown"
    config = blas.get("openblas configuration", "")
    arch = next((w for w in config.split() if w in {"Haswell", "SkylakeX", "Zen"}), "")
    return " ".join(x for x in (blas.get("name", "?"), blas.get("version", ""), arch) if x)


def machine_info() -> str:
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs, python {platform.python_version()}, "
        f"numpy {np.__version__}, BLAS {blas_info()}"
    )
