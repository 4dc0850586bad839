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

__all__ = [
    "DEFAULT_QUANTILES",
    "ParticipantResults",
    "PoolResults",
    "StreamedParticipantResults",
    "StreamedPoolResults",
    "StreamedStats",
    "check_quantiles",
    "quantile_label",
]
