"""Who adopts the asset, when, and what can undo it: adoption curves and channels.

The money that reaches an alternative asset through 401(k) plans is the
product of three shares, each a specification here:

1. **Sponsor adoption** -- the cumulative share :math:`H(t)` of plans (or of
   plan assets) that offer the asset ``t`` years after the start: a
   :class:`Fixed` level, a :class:`Logistic` or a :class:`Bass` diffusion
   curve. :func:`crypto_sponsor_curves` and :func:`private_markets_sponsor_curves`
   give documented defaults by plan-size segment.
2. **Channel** -- a :class:`DefaultChannel` (a sleeve inside a target-date fund
   or managed account, held by every default investor of an adopting plan)
   or an :class:`ActiveChannel` (participants elect the option; opt-in share
   and allocation share), each with its :class:`Rebalancing` behaviour.
3. **Policy reversal** -- :class:`Reversal`: a yearly hazard that the rules are
   rescinded, and what then happens to holdings.

Any parameter typed :data:`Uncertain` is a float or a distribution
(:class:`Uniform`, :class:`Triangular`, :class:`Normal`, :class:`Beta`,
:class:`LogNormal`, :class:`Choice`) drawn
*once per scenario* by :func:`sample_parameter`. Each draw comes from
:func:`alt401k._random.keyed_uniforms` under a key built from the quantity's
name (``"{key}/{field}"``), so draws are identical whatever the chunking of
scenarios and adding one uncertain input never shifts another's draws.

Time convention: year ``y`` (0-based) covers ``[y, y + 1)`` years after the
start, and the share of year ``y`` is the cumulative share at its end,
:math:`H_{s,y} = C_s(y + 1)`: a plan adopting during year ``y`` counts from
year ``y``. Sources of defaults are in ``../shared/CALIBRATION.md`` (sections
"Participant behaviour", "Adoption by plan sponsors", "After the order");
figures marked *est.* are judgement.
"""

from __future__ import annotations

from ..uncertain import (
    Beta,
    Choice,
    Distribution,
    LogNormal,
    Normal,
    Triangular,
    Uncertain,
    Uniform,
    check_uncertain_range,
    sample_parameter,
)
from ..uncertain import Finite as Finite
from ..uncertain import Positive as Positive
from .channels import ActiveChannel, Channel, DefaultChannel
from .curves import Bass, Curve, CurveField, Fixed, Logistic, as_curve
from .defaults import (
    PLAN_SIZE_SEGMENTS,
    crypto_opt_in_curve,
    crypto_sponsor_curves,
    private_markets_sponsor_curves,
)
from .rebalancing import Rebalancing, as_rebalancing
from .reversal import NO_REVERSAL, Reversal
from .start import BrokerageWindow, Launch, ProductAvailability, StartState

__all__ = [
    "NO_REVERSAL",
    "PLAN_SIZE_SEGMENTS",
    "ActiveChannel",
    "Bass",
    "Beta",
    "BrokerageWindow",
    "Channel",
    "Choice",
    "Curve",
    "CurveField",
    "DefaultChannel",
    "Distribution",
    "Fixed",
    "Launch",
    "LogNormal",
    "Logistic",
    "Normal",
    "ProductAvailability",
    "Rebalancing",
    "Reversal",
    "StartState",
    "Triangular",
    "Uncertain",
    "Uniform",
    "as_curve",
    "as_rebalancing",
    "check_uncertain_range",
    "crypto_opt_in_curve",
    "crypto_sponsor_curves",
    "private_markets_sponsor_curves",
    "sample_parameter",
]
