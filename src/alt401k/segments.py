"""Plan segments: plans grouped by size, each with its design, cap and adoption curve.

Shares of participants and assets by plan size come from the PLANSPONSOR
2020 recordkeeping survey (401(k) plans by assets), as tabulated in
:data:`alt401k.population.SEGMENT_SHARES`. Plan designs by size (*est.*):

========  ==========  ==============================  ==========  =======  ============
segment   plan assets match                           fee ($/yr)  alt cap  auto-enroll
========  ==========  ==============================  ==========  =======  ============
micro     < $10M      50% of first 6% (modal)         90          5%       50%
small     $10-50M     50% of first 6%                 70          5%       55%
mid       $50-200M    100% of 3% + 50% of next 2%     55          10%      65%
large     $200M-$1B   100% of 3% + 50% of next 2%     45          20%      75%
mega      > $1B       100% of first 4%                35          20%      78%
========  ==========  ==============================  ==========  =======  ============

Sources: the modal match is 50% of the first 6% (Vanguard HAS 2025); the
safe-harbor formula 100% of 3% + 50% of the next 2% is common in mid-size
plans (*est.*); recordkeeping costs about $40-60 per participant on average,
higher in small plans (*est.*); auto-enrollment in 61% of plans and 78% of
plans with 1,000+ participants (HAS 2025). Allocation caps: ForUsAll caps
crypto at 5% (small-plan provider), Fidelity's Digital Assets Account at
20% (*est.* by size). Adoption curves: :func:`alt401k.adoption.crypto_sponsor_curves`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ._spec import Spec
from .adoption import Bass, Fixed, Logistic, crypto_sponsor_curves
from .plan import MatchFormula, PlanDesign
from .population import SEGMENTS

__all__ = ["PlanSegment", "default_segments"]

Curve = Annotated[Fixed | Logistic | Bass, Field(discriminator="kind")]


class PlanSegment(Spec):
    """A group of plans of similar size.

    The segments' shares of participants and assets (PLANSPONSOR 2020) are in
    :data:`alt401k.population.SEGMENT_SHARES`; the synthetic population matches
    them exactly, and a population of your own says which segment each cell's
    plan belongs to.

    Parameters
    ----------
    name : str
        Segment name, matching the ``segment`` column of a population.
    plan : PlanDesign
        Match, non-elective contribution and flat fee of the segment's plans.
    adoption : Fixed, Logistic or Bass
        Share of the segment's plans (weighted by participants) offering the
        alternative asset over time; used when ``Scenario.sponsor_adoption``
        is ``"segments"``.
    alt_cap : float
        Largest share of a balance a participant may elect into the asset
        (the plan's cap), in (0, 1].
    auto_enroll_share : float
        Share of the segment's plans with auto-enrollment, [0, 1]
        (documentation and later plan-rule work).
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    plan: PlanDesign = Field(default_factory=PlanDesign)
    adoption: Curve = Field(default_factory=lambda: Fixed(rate=1.0))
    alt_cap: float = Field(default=1.0, gt=0.0, le=1.0)
    auto_enroll_share: float = Field(default=0.61, ge=0.0, le=1.0)


_DESIGNS = {
    "micro": (MatchFormula.modal(), 90.0, 0.05, 0.50),
    "small": (MatchFormula.modal(), 70.0, 0.05, 0.55),
    "mid": (MatchFormula(tiers=((1.0, 0.03), (0.5, 0.02))), 55.0, 0.10, 0.65),
    "large": (MatchFormula(tiers=((1.0, 0.03), (0.5, 0.02))), 45.0, 0.20, 0.75),
    "mega": (MatchFormula(tiers=((1.0, 0.04),)), 35.0, 0.20, 0.78),
}


def default_segments() -> tuple[PlanSegment, ...]:
    """The five default segments (micro, small, mid, large, mega); see the module table."""
    curves = crypto_sponsor_curves()
    out = []
    for name in SEGMENTS:
        match, fee, cap, auto = _DESIGNS[name]
        out.append(
            PlanSegment(
                name=name,
                plan=PlanDesign(match=match, recordkeeping_fee=fee),
                adoption=curves[name],
                alt_cap=cap,
                auto_enroll_share=auto,
            )
        )
    return tuple(out)
