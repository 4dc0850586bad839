"""Cutting a run into chunks of scenarios that bound memory.

Seeding lives in :mod:`alt401k._random`: random numbers are tied to fixed
blocks of scenarios, so the chunk size chosen here changes memory use and
speed but never the numbers.
"""

from __future__ import annotations

from ._random import BLOCK_SIZE
from ._validation import check_int

__all__ = ["DEFAULT_CHUNK_SIZE", "check_n_scenarios", "chunk_ranges"]

#: Scenarios simulated together; about 40 MB of float64 paths per 1,000
#: scenarios x 40 years monthly x 13 assets.
DEFAULT_CHUNK_SIZE = 2 * BLOCK_SIZE

MAX_SCENARIOS = 10_000_000


def check_n_scenarios(n_scenarios: int) -> int:
    """Validate a scenario count: an integer between 1 and 10,000,000."""
    return check_int("n_scenarios", n_scenarios, low=1, high=MAX_SCENARIOS)


def chunk_ranges(n_scenarios: int, chunk_size: int | None = None) -> list[tuple[int, int]]:
    """Split ``range(n_scenarios)`` into consecutive ``(start, stop)`` chunks.

    Parameters
    ----------
    n_scenarios : int
        Total scenarios, >= 1.
    chunk_size : int, optional
        Scenarios per chunk, >= 1; default :data:`DEFAULT_CHUNK_SIZE`.
        Results never depend on it, but speed does: random numbers are
        drawn for whole seed blocks of :data:`~alt401k._random.BLOCK_SIZE`
        (1,000) scenarios, so a chunk that is not a multiple of the block
        would draw the blocks it touches in full and keep only its rows (a
        chunk size of 1 would be about 100x slower). The size is therefore
        rounded up to a multiple of the block (1 becomes 1,000; 2,500
        becomes 3,000); memory grows with the rounded size.
    """
    n_scenarios = check_n_scenarios(n_scenarios)
    size = DEFAULT_CHUNK_SIZE if chunk_size is None else check_int("chunk_size", chunk_size, low=1)
    size = -(-size // BLOCK_SIZE) * BLOCK_SIZE  # whole seed blocks
    return [(start, min(start + size, n_scenarios)) for start in range(0, n_scenarios, size)]
