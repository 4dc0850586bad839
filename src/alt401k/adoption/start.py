"""The world at the start, and the brokerage window: :class:`StartState`, :class:`BrokerageWindow`.

Before the order of August 7, 2025 crypto was already within reach of some
401(k) savers, through two doors:

* **The core menu.** Fidelity's Digital Assets Account (since 2022, capped at
  20% of a balance) and ForUsAll (since 2021, capped at 5%) put bitcoin on
  some plans' menus; no large recordkeeper had crypto on a core menu
  (GAO-25-106161, Nov 2024). :class:`StartState` says which share of plans
  of each size already offers it, and which share of their participants
  already holds it.
* **The self-directed brokerage window.** Spot bitcoin ETFs have been
  buyable through brokerage windows since January 2024, in plans that
  offer a window, without any sponsor adding crypto to the menu and without
  the menu's cap. :class:`BrokerageWindow` is that third channel.

Every default is a judgement (*est.*) from the facts in
``../shared/CALIBRATION.md`` ("Adoption by plan sponsors", "After the
order", "Participant behaviour"); the sources of each are in the class
docstrings, and all are adjustable.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .._spec import Spec
from .curves import CurveField, Logistic
from .rebalancing import Rebalancing, _RebalancingField

__all__ = ["BrokerageWindow", "Launch", "ProductAvailability", "StartState"]

#: The executive order "Democratizing Access to Alternative Assets for 401(k) Investors",
#: August 7, 2025, as a fractional calendar year.
ORDER_DATE = 2025 + (31 + 28 + 31 + 30 + 31 + 30 + 31 + 6) / 365

_SEGMENTS = ("micro", "small", "mid", "large", "mega")


def _check_share(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number in [0, 1]; got {value!r}")
    number = float(value)
    if not 0.0 <= number <= 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be between 0 and 1; got {value!r}")
    return number


def _by_segment(name: str, value: Any) -> dict[str, float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dict.fromkeys(_SEGMENTS, _check_share(name, value))
    if not isinstance(value, dict) or not value:
        raise ValueError(
            f"{name} must be a share in [0, 1] or a mapping of segment to share; got {value!r}"
        )
    return {str(k): _check_share(f"{name}[{k!r}]", v) for k, v in value.items()}


class StartState(Spec):
    """Who already offers and holds the asset on the core menu at the start.

    Parameters
    ----------
    sponsor_share : float or dict of segment to float
        Share of each segment's plans (weighted by participants) offering the
        asset on the core menu at the start, in [0, 1]. Default (*est.*):
        0.5% of micro and small plans (ForUsAll's small-plan platform, cap
        5%), 1% of mid, large and mega plans (Fidelity's Digital Assets
        Account offered to its recordkeeping clients since 2022; few took
        it: no large recordkeeper had crypto on a core menu, GAO-25-106161;
        3.9% of sponsors offered any alternative in 2024, PLANSPONSOR).
    opt_in_share : float
        Share of participants of those plans already holding it, in [0, 1].
        Default 0.02 (*est.*: Roth usage was 9% one year after introduction,
        brokerage windows are used by about 1% of those offered one; an
        option offered for two to four years with little promotion sits in
        between).
    source : str
        Where the figures come from.

    Notes
    -----
    In a run the start state is the share of each group's people holding at
    the start, ``h0 = sponsor_share x opt_in_share``, with the scenario's
    allocation share of their balance in the asset: a holding, not a flow.
    The sponsor curve then describes adoption among the plans that did not
    offer it, ``H(y) = H0 + (1 - H0) C(y)``, and the opt-in curve uptake
    among those who did not hold it, ``o(y) = o0 + (1 - o0) O(y)``.
    """

    kind: Literal["start"] = Field(default="start", repr=False)
    sponsor_share: dict[str, float] = Field(
        default_factory=lambda: {
            "micro": 0.005,
            "small": 0.005,
            "mid": 0.01,
            "large": 0.01,
            "mega": 0.01,
        }
    )
    opt_in_share: float = 0.02
    source: str = (
        "*est.*: ForUsAll (2021) and Fidelity Digital Assets Account (2022) on few menus; "
        "GAO-25-106161; PLANSPONSOR 2024"
    )

    @field_validator("sponsor_share", mode="before")
    @classmethod
    def _shares(cls, value: Any) -> dict[str, float]:
        return _by_segment("sponsor_share", value)

    @field_validator("opt_in_share", mode="before")
    @classmethod
    def _opt_in(cls, value: Any) -> float:
        return _check_share("opt_in_share", value)

    @classmethod
    def none(cls) -> StartState:
        """Nobody offers or holds it: every curve starts from zero."""
        return cls(sponsor_share=0.0, opt_in_share=0.0, source="none: starting from zero")

    def sponsor_share_of(self, segment: str) -> float:
        """The start share of ``segment`` (0 for a segment not listed)."""
        return self.sponsor_share.get(segment, 0.0)


class BrokerageWindow(Spec):
    """The self-directed brokerage window: a channel that needs no sponsor decision.

    Participants of plans that offer a window buy the asset there (spot
    bitcoin ETFs since January 2024), whatever the core menu offers and
    outside its cap. In the pool, a share ``offered[segment] x users`` of
    each group's people (default investors aside: they are wholly in the
    target-date fund) forms a window group; a share of those holds the
    asset, growing along ``holders`` from ``holders_start``, with
    ``allocation_share`` of their balance in it.

    Parameters
    ----------
    offered : float or dict of segment to float
        Share of each segment's participants whose plan offers a window, in
        [0, 1]. Default (*est.*): 10% micro, 15% small, 20% mid, 30% large,
        40% mega: about a quarter of plans offer one (Vanguard How America
        Saves 2025: 23% of plans), more often the larger ones.
    users : float
        Share of those offered a window who use it, in [0, 1]; default 0.01
        (CALIBRATION: brokerage windows are used by about 1% of those
        offered one).
    holders_start : float
        Share of window users holding the asset at the start, in [0, 1];
        default 0.10 (*est.*: spot bitcoin ETFs were among the most traded
        funds of 2024-25 at retail brokers; window users are active traders).
    holders : curve
        Share of the remaining window users who take it up over time (a
        cumulative curve from 0); default ``Logistic(ceiling=0.20,
        midpoint=3, steepness=0.8)`` (*est.*: uptake among self-directed
        investors rising as the asset is normalised).
    allocation_share : float
        Share of a holder's balance in the asset, in [0, 1]; not limited by
        the core menu's cap. Default 0.05 (*est.*: window users keep about a
        third of their balance in the window, and a holder a sixth of that
        in crypto ETFs).
    rebalancing : Rebalancing or str
        Default "never": self-directed holdings drift with prices.
    source : str
        Where the figures come from.
    """

    kind: Literal["window"] = Field(default="window", repr=False)
    offered: dict[str, float] = Field(
        default_factory=lambda: {
            "micro": 0.10,
            "small": 0.15,
            "mid": 0.20,
            "large": 0.30,
            "mega": 0.40,
        }
    )
    users: float = 0.01
    holders_start: float = 0.10
    holders: CurveField = Field(
        default_factory=lambda: Logistic(ceiling=0.20, midpoint=3.0, steepness=0.8)
    )
    allocation_share: float = 0.05
    rebalancing: _RebalancingField = Rebalancing(frequency="never")
    source: str = (
        "*est.*: Vanguard HAS 2025 (23% of plans offer a window); CALIBRATION (about 1% of "
        "those offered use it); spot bitcoin ETFs since Jan 2024"
    )

    @field_validator("offered", mode="before")
    @classmethod
    def _offered(cls, value: Any) -> dict[str, float]:
        return _by_segment("offered", value)

    @field_validator("users", "holders_start", "allocation_share", mode="before")
    @classmethod
    def _share(cls, value: Any, info: Any) -> float:
        return _check_share(info.field_name, value)

    def people_share(self, segment: str) -> float:
        """Share of a segment's (non-default) participants in the window: ``offered x users``."""
        return self.offered.get(segment, 0.0) * self.users


class Launch(Spec):
    """A product that lets plans offer the asset: a recordkeeper platform, a CIT, a TDF series.

    Parameters
    ----------
    name : str
        What launched.
    year : float
        When plans could first use it, a fractional calendar year (2022.25 is
        the start of April 2022), 2000-2150.
    reach : dict of segment to float
        Share of each segment's plans (weighted by participants) whose
        recordkeeper or provider offers it, in [0, 1]; segments not listed
        get 0.
    source : str
        Where the launch and its reach come from. Required (non-empty) for a
        launch dated before the order (August 7, 2025): the past is a
        record, not a judgement.
    """

    kind: Literal["launch"] = Field(default="launch", repr=False)
    name: str = Field(min_length=1)
    year: float = Field(ge=2000.0, le=2150.0)
    reach: dict[str, float]
    source: str = ""

    @field_validator("reach", mode="before")
    @classmethod
    def _reach(cls, value: Any) -> dict[str, float]:
        return _by_segment("reach", value)

    @model_validator(mode="after")
    def _past_needs_a_source(self) -> Launch:
        if self.year < ORDER_DATE and not self.source.strip():
            raise ValueError(
                f"launch {self.name!r} is dated {self.year:g}, before the order (August 7, "
                "2025): give its source (source=...), the past is a record"
            )
        return self


def _default_launches() -> tuple[Launch, ...]:
    return (
        Launch(
            name="ForUsAll crypto window",
            year=2021.5,
            reach={"micro": 0.05, "small": 0.05},
            source="CALIBRATION: ForUsAll (2021, cap 5%); reach *est.* (small-plan provider)",
        ),
        Launch(
            name="Fidelity Digital Assets Account",
            year=2022.3,
            reach={"micro": 0.05, "small": 0.10, "mid": 0.15, "large": 0.20, "mega": 0.25},
            source=(
                "CALIBRATION: Fidelity Digital Assets Account (2022, cap 20%); reach *est.* "
                "from Fidelity's share of recordkeeping, larger plans"
            ),
        ),
        Launch(
            name="other recordkeepers, first wave",
            year=2027.0,
            reach={"micro": 0.20, "small": 0.25, "mid": 0.30, "large": 0.30, "mega": 0.30},
            source=(
                "*est.*: after the DOL withdrew its 2022 caution (May 2025) and proposed a "
                "safe harbor (Mar 2026), a final rule expected in 2026-27"
            ),
        ),
        Launch(
            name="other recordkeepers, second wave",
            year=2029.0,
            reach={"micro": 0.25, "small": 0.25, "mid": 0.30, "large": 0.35, "mega": 0.40},
            source="*est.*: most platforms two years after a final rule",
        ),
    )


class ProductAvailability(Spec):
    """Which plans could offer the asset: products must exist before sponsors adopt them.

    The share of a segment's plans with access at time ``t`` is the sum of
    the reach of every launch up to ``t``, at most 1; sponsor adoption of
    the segment is bounded by it (``H(y) <= A(end of year y)``).

    Parameters
    ----------
    launches : tuple of Launch
        Default: ForUsAll (2021) and Fidelity's Digital Assets Account (2022),
        then two waves of other recordkeepers (2027, 2029; *est.*).
    """

    kind: Literal["availability"] = Field(default="availability", repr=False)
    launches: tuple[Launch, ...] = Field(default_factory=_default_launches, min_length=1)

    def share(self, segment: str, year: Any) -> Any:
        """Share of ``segment``'s plans with access at fractional calendar ``year`` (array_like)."""
        import numpy as np

        year = np.asarray(year, dtype=float)
        total = np.zeros(year.shape)
        for launch in self.launches:
            total = total + np.where(year >= launch.year, launch.reach.get(segment, 0.0), 0.0)
        return np.minimum(total, 1.0)
