"""Channels: a sleeve in the default fund, or an option participants elect."""

from __future__ import annotations

import itertools
from typing import Any, Literal, TypeAlias

import numpy as np
from pydantic import Field, field_validator

from .._spec import Spec
from ..uncertain import Uncertain, check_uncertain_range
from .curves import Curve, CurveField, as_curve
from .rebalancing import Rebalancing, _RebalancingField


class DefaultChannel(Spec):
    """A sleeve inside a target-date fund or managed account, for default investors.

    Every default investor of an adopting plan holds it; no election.

    Parameters
    ----------
    sleeve_share : float or tuple of (age, share)
        Share of the fund in the asset, in [0, 1], or a glide path by age as
        points with strictly increasing ages (linear between points, flat
        beyond the ends). Default 0.01 (the "if only 1%" headline,
        CALIBRATION "The pool and the headline"; BlackRock plans 5-20% for a
        private sleeve).
    rebalancing : Rebalancing or str
        The fund trades back to its sleeve; default monthly, as target-date
        funds do (*est.*).
    existing_balances : {"move", "stay"}
        What happens to a default investor's balance when the plan adopts:
        ``"move"`` (default) -- it is in the fund, so the sleeve's share of it
        is bought at once (a sleeve added to a target-date fund that default
        investors already hold); ``"stay"`` -- it stays where it was and only
        new contributions go into the fund, with ``sleeve_share`` of them in
        the asset and no rebalancing of the old money (a new default option
        under the QDIA rules, which mostly reached new hires' new money:
        :func:`alt401k.validation.tdf_backcast`). With ``"stay"`` the fund's
        own rebalancing of its sleeve is not modelled (exact when the fund is
        the asset, ``sleeve_share=1``).
    """

    kind: Literal["default"] = Field(default="default", repr=False)
    sleeve_share: float | tuple[tuple[int, float], ...] = 0.01
    rebalancing: _RebalancingField = Rebalancing(frequency="monthly")
    existing_balances: Literal["move", "stay"] = "move"

    @field_validator("sleeve_share")
    @classmethod
    def _valid_glide(cls, value: Any) -> Any:
        if not isinstance(value, tuple):
            return check_uncertain_range("sleeve_share", value, 0.0, 1.0)
        if not value:
            raise ValueError("sleeve_share glide needs at least one (age, share) point; got ()")
        ages = [age for age, _ in value]
        if any(b <= a for a, b in itertools.pairwise(ages)):
            raise ValueError(f"sleeve_share ages must be strictly increasing; got {ages}")
        for age, share in value:
            check_uncertain_range(f"sleeve_share at age {age}", share, 0.0, 1.0)
        return value

    def share_at_age(self, age: Any) -> np.ndarray:
        """Sleeve share at ``age`` (years, array_like), same shape, fraction."""
        age = np.asarray(age, dtype=float)
        if not isinstance(self.sleeve_share, tuple):
            return np.full(age.shape, float(self.sleeve_share))
        ages, shares = zip(*self.sleeve_share, strict=True)
        return np.interp(age, np.array(ages, dtype=float), np.array(shares, dtype=float))


class ActiveChannel(Spec):
    """Participants elect the asset on the core menu or through a brokerage window.

    Parameters
    ----------
    opt_in_rate : float or curve
        Share of participants in adopting plans who elect the option, in
        [0, 1], or a curve of it over time (e.g. :func:`crypto_opt_in_curve`).
        Default 1.0: every participant, for scenarios that state the overall
        share elsewhere.
    allocation_share : float or distribution
        Share of an electing participant's balance and contributions directed
        to the asset, in [0, 1]; default 0.01 (the "if only 1%" headline;
        Schroders 2025: half of interested participants would put under 10%).
    rebalancing : Rebalancing or str
        Default "never".

    Notes
    -----
    Most self-directed holdings are never rebalanced: about 6% of
    participants change their mix in a quarter (Fidelity), so an elected
    share drifts with prices -- up after a rally, down after a crash -- and
    the asset only ever receives new money. With rebalancing, holdings above
    target are *sold* back each date (and topped up after falls); when the
    asset is expected to outgrow the rest of the account, it sits above
    target on average, rebalancing is a net seller, and the expected net flow
    over ten years (contributions minus rebalancing sales) can be negative
    where the same scenario without rebalancing gives a positive one. The
    rebalancing choice can thus flip the sign of the headline; report both.
    """

    kind: Literal["active"] = Field(default="active", repr=False)
    opt_in_rate: float | CurveField = 1.0
    allocation_share: Uncertain = 0.01
    rebalancing: _RebalancingField = Rebalancing(frequency="never")

    @field_validator("opt_in_rate")
    @classmethod
    def _opt_in_range(cls, value: Any) -> Any:
        return (
            value
            if isinstance(value, Curve)
            else check_uncertain_range("opt_in_rate", value, 0.0, 1.0)
        )

    @field_validator("allocation_share")
    @classmethod
    def _allocation_range(cls, value: Uncertain) -> Uncertain:
        return check_uncertain_range("allocation_share", value, 0.0, 1.0)

    @property
    def opt_in_curve(self) -> Curve:
        """``opt_in_rate`` as a curve (a float becomes :class:`Fixed`)."""
        return as_curve(self.opt_in_rate, name="opt_in_rate")


Channel: TypeAlias = DefaultChannel | ActiveChannel
