"""Plan design: employer money, match timing, vesting, auto-features, presets, fees.

The specification of what an employer's 401(k) plan does with a participant's
pay; the arithmetic that applies it year by year lives in
:mod:`alt401k.contributions` (one place per rule, in the order the law applies
them).

Defaults and sources (``../shared/CALIBRATION.md`` unless noted):

- Match: the modal formula is 50% of the first 6% of pay (Vanguard *How
  America Saves 2025*, 2024 data, "HAS 2025"); average promised match 4.6% of pay.
- Auto-features (HAS 2025): participation 94% in auto-enrolling plans vs 64%
  in voluntary plans; 61% of plans auto-enroll; 3% was the most common
  default historically and 61% of auto-enrolling plans now default at 4% or
  more; 69% of auto-enrolling plans auto-escalate, typically +1 point a year
  to a 10% cap.
- Vesting: the slowest schedules allowed for employer money are a 3-year
  cliff and a 2-to-6-year graded schedule (IRC 411(a)(2)(B)).
- Recordkeeping costs about $40-60 per participant per year (*est.*, Fees).
"""

from .design import PLAN_PRESETS, PlanDesign
from .match import MatchFormula
from .vesting import Vesting

__all__ = ["PLAN_PRESETS", "MatchFormula", "PlanDesign", "Vesting"]
