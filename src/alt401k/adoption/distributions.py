"""Where the uncertain inputs lived before issue 19; they are in :mod:`alt401k.uncertain`.

Kept so that code (and saved results naming these classes) written against
``alt401k.adoption.distributions`` keeps working. New code imports from
:mod:`alt401k.uncertain` (markets must: they sit below adoption).
"""

from __future__ import annotations

from ..uncertain import (
    Beta,
    Choice,
    Distribution,
    Finite,
    LogNormal,
    Normal,
    Positive,
    Triangular,
    Uncertain,
    Uniform,
    _mean,
    check_uncertain_range,
    sample_parameter,
)

__all__ = [
    "Beta",
    "Choice",
    "Distribution",
    "Finite",
    "LogNormal",
    "Normal",
    "Positive",
    "Triangular",
    "Uncertain",
    "Uniform",
    "_mean",
    "check_uncertain_range",
    "sample_parameter",
]
