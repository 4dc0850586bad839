"""Short text and HTML displays of specifications, market models and results.

Three kinds of helpers, used by the ``__repr__`` and ``_repr_html_`` methods
of the library's objects and usable on their own:

1. **Dollars.** :func:`money` writes one amount as ``$125.0B``,
   ``$1,238,462`` or ``-$3.4M`` (the minus sign before the dollar sign);
   :func:`format_money` does it for columns of a DataFrame.
2. **Results.** :func:`describe_pool` / :func:`describe_participant` give a
   few lines (under 600 characters) with the key knobs, the scenario count,
   the seed's entropy and headline figures; :func:`html_pool` /
   :func:`html_participant` give the same as a small HTML table.
3. **Specifications.** :func:`describe_market` / :func:`html_market` list a
   market model's assets one per line (not its correlation matrix);
   :func:`describe_spec` / :func:`html_spec` show a pydantic spec's class,
   its key knobs (:data:`KEY_FIELDS`, even at their defaults) and the fields
   that differ from their defaults.
4. **Tables.** :func:`table` wraps any table the library returns
   (``summary()``, ``ledger()``, ``retirement_summary()``) in a :class:`Table`
   that writes each column in its unit (``$1.2B``, ``12.5%``, years) for
   text, HTML and a pandas ``Styler``, without changing the numbers.

Every figure says whether it is a mean or a quantile (``median``, ``p05``,
``p95``) and whether it is nominal or in start-year (real) dollars.
"""

from __future__ import annotations

from .. import _show
from .._spec import Spec
from ..markets import MarketModel
from ..population import Population
from ..results import ParticipantResults, PoolResults
from .money import MONEY_UNITS as MONEY_UNITS  # module attributes, as before the split
from .money import format_money, money
from .objects import KEY_FIELDS as KEY_FIELDS
from .objects import (
    describe_market,
    describe_participant,
    describe_pool,
    describe_spec,
    html_market,
    html_participant,
    html_pool,
    html_population,
    html_spec,
)
from .tables import Table, column_unit, table
from .tables import money_unit as money_unit

__all__ = [
    "Table",
    "column_unit",
    "describe_market",
    "describe_participant",
    "describe_pool",
    "describe_spec",
    "format_money",
    "html_market",
    "html_participant",
    "html_pool",
    "html_population",
    "html_spec",
    "money",
    "table",
]

# ``__repr__`` / ``_repr_html_`` call the hooks of alt401k._show, filled here.
_show.text.register(Spec)(describe_spec)
_show.html.register(Spec)(html_spec)
_show.text.register(MarketModel)(describe_market)
_show.html.register(MarketModel)(html_market)
_show.html.register(Population)(html_population)
_show.text.register(PoolResults)(describe_pool)
_show.html.register(PoolResults)(html_pool)
_show.text.register(ParticipantResults)(describe_participant)
_show.html.register(ParticipantResults)(html_participant)
