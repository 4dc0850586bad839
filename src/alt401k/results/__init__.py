"""Results objects: what came out of a run, as arrays and tidy DataFrames.

Results hold the validated specification, the raw arrays and the seed used.
Statistics are computed on demand; nothing here draws random numbers.
"""

from ._stats import DEFAULT_QUANTILES, check_quantiles, quantile_label
from .participant import ParticipantResults
from .pool import PoolResults
from .streamed_participant import StreamedParticipantResults
from .streamed_pool import StreamedPoolResults
from .streaming import StreamedStats


def needs_paths_hint(value: object) -> str:
    """The end of a "must be a ...Results" error: for a streamed result, how to get paths."""
    if isinstance(value, (StreamedPoolResults, StreamedParticipantResults)):
        return " (a streamed result keeps no paths: run with keep_paths=True)"
    return ""


__all__ = [
    "DEFAULT_QUANTILES",
    "ParticipantResults",
    "PoolResults",
    "StreamedParticipantResults",
    "StreamedPoolResults",
    "StreamedStats",
    "check_quantiles",
    "needs_paths_hint",
    "quantile_label",
]
