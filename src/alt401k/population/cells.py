"""The engine's array view of a population: :class:`ParticipantCells`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .participant import Participant


@dataclass(frozen=True)
class ParticipantCells:
    """Participant cells as arrays, the engine's view of a population.

    Every array has shape (P,): one entry per cell. ``weight`` is how many
    real participants a cell stands for (1 for a single saver). ``working``
    is True where the cell is employed and contributing in the start year;
    False where it has separated or retired and left its money in the plan.
    ``service_years`` (optional) is each cell's years of service at the start,
    for vesting (``inf`` or None: fully vested).
    """

    age: np.ndarray
    salary: np.ndarray
    balance: np.ndarray
    roth_balance: np.ndarray
    deferral_rate: np.ndarray
    roth_fraction: np.ndarray
    retirement_age: np.ndarray
    salary_growth: np.ndarray
    prior_year_wages: np.ndarray
    weight: np.ndarray
    working: np.ndarray
    service_years: np.ndarray | None = None

    @property
    def n_cells(self) -> int:
        return int(self.age.shape[0])


def cells_from_participants(participants: Sequence[Participant]) -> ParticipantCells:
    """Stack participants (sharing one ``start_year``) into :class:`ParticipantCells`."""
    if not participants:
        raise ValueError("participants must contain at least one Participant; got none")
    years = {p.start_year for p in participants}
    if len(years) > 1:
        raise ValueError(f"participants must share one start_year; got {sorted(years)}")

    def col(values: list[float]) -> np.ndarray:
        return np.asarray(values, dtype=float)

    return ParticipantCells(
        age=col([p.age for p in participants]),
        salary=col([p.salary for p in participants]),
        balance=col([p.balance for p in participants]),
        roth_balance=col([p.roth_balance for p in participants]),
        deferral_rate=col([p.deferral_rate for p in participants]),
        roth_fraction=col([p.roth_fraction for p in participants]),
        retirement_age=col([p.retirement_age for p in participants]),
        salary_growth=col([p.salary_growth for p in participants]),
        prior_year_wages=col(
            [
                p.prior_year_wages
                if p.prior_year_wages is not None
                else p.salary / (1.0 + p.salary_growth)
                for p in participants
            ]
        ),
        weight=np.ones(len(participants)),
        working=np.ones(len(participants), dtype=bool),
        service_years=(
            None
            if all(p.service_years is None for p in participants)
            else np.array(
                [np.inf if p.service_years is None else p.service_years for p in participants]
            )
        ),
    )
