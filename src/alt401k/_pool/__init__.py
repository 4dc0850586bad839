"""From a scenario and a population to the engine's arrays: groups and channel inputs.

Cells are grouped by every attribute that sets a rule multiplying a
balance (see :mod:`alt401k.engine`): plan segment (adoption path, cap, fee),
default-fund investor or not (channel, core portfolio), five-year birth
cohort (target-date vintage: glide path and age-based outflow rates),
working or not, and retirement age. Contributions, balances and people are
summed within a group, which is exact because balances are linear in them.

Rules that depend on age are rules of the cohort: the target-date glide
path of its vintage (central birth year ``5c + 2``) and the outflow rate
averaged over its five birth years; contributions use each cell's exact
age (catch-ups at 50 and 60-63) and retirement age.

Retirees' RMD-driven withdrawals apply to whole balances in the pool: the
pool carries all money as one source, so Roth 401(k) money (about 5% of the
synthetic population's assets) is not exempted there as it is for a saver.
A per-cell Roth share would break the exact sum over cells.
"""

from __future__ import annotations

from .channel import build_channel
from .groups import ACTIVE, CHANNEL_NAMES, DEFAULT, NONE, WINDOW, PoolLayout
from .layout import FEE_MARGIN, build_layout

__all__ = [
    "ACTIVE",
    "CHANNEL_NAMES",
    "DEFAULT",
    "FEE_MARGIN",
    "NONE",
    "WINDOW",
    "PoolLayout",
    "build_channel",
    "build_layout",
]
