"""What a pool layout is: groups of cells, their channel codes and deterministic schedule.

Built by :func:`alt401k._pool.layout.build_layout`; read by the channel
inputs (:mod:`alt401k._pool.channel`) and the pool's run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..engine import GroupSchedule

__all__ = ["ACTIVE", "CHANNEL_NAMES", "DEFAULT", "NONE", "WINDOW", "PoolLayout"]


#: Channel codes of groups: the engine's holdings_by_channel counts 0 and 1; window groups
#: run in an engine call of their own.
ACTIVE, DEFAULT, NONE, WINDOW = 0, 1, 2, 3
CHANNEL_NAMES = ("active", "default", "none", "window")


@dataclass(frozen=True)
class PoolLayout:
    """Groups of cells and their deterministic schedule.

    Attributes
    ----------
    groups : DataFrame, one row per group
        ``segment, default_investor, cohort, working, retirement_age,
        age`` (central age at the start), ``people_start`` and ``people``
        (at the start and at the horizon, entrants included), ``balance``
        (opening, dollars, all people), ``pretax_share`` (opening pre-tax
        share of it), ``wages`` (pay per person in the last year, dollars under
        the assumed inflation; 0 for those not working), ``channel`` (active,
        default, none or window).
    cell_group : ndarray, shape (P,), int
        Group of each cell.
    schedule : GroupSchedule
    contributions_by_source : ndarray, shape (Y, 3)
        Pool contributions per year: employee pre-tax, employee Roth,
        employer, dollars.
    default_share : ndarray, shape (Y, G)
        Sleeve share of the default fund for default-channel groups.
    main_groups, window_groups : ndarray of int
        Groups outside and inside the brokerage window: they run in two
        engine calls on the same paths (the window has its own channel).
    outflow_names : tuple of str
        Causes of the outflows, in the order of ``schedule.outflow_parts``;
        the last, ``rollovers_in``, is a memo: job changers' plan-to-plan
        rollovers, which stay in the pool (not part of the outflow rate).
    """

    groups: pd.DataFrame
    cell_group: np.ndarray
    schedule: GroupSchedule
    contributions_by_source: np.ndarray
    default_share: np.ndarray
    outflow_names: tuple[str, ...] = ()
    main_groups: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    window_groups: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def schedule_of(self, index: np.ndarray) -> GroupSchedule:
        """The schedule restricted to the groups ``index`` (all of them when it is every group)."""
        if index.size == self.schedule.n_groups:
            return self.schedule
        sc = self.schedule
        return replace(
            sc,
            portfolio=sc.portfolio[index],
            contributions=sc.contributions[..., index],
            balance0=sc.balance0[:, index],
            flat_fee=sc.flat_fee[:, index],
            outflow=sc.outflow[:, index],
            outflow_parts=None if sc.outflow_parts is None else sc.outflow_parts[..., index],
        )
