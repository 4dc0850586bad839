"""How an object shows itself without knowing the face: two single-dispatch hooks.

Base layer (DESIGN.md, "Layers"). Specifications, market models, populations
and results have ``__repr__`` and ``_repr_html_``, but the formatting lives in
the face (:mod:`alt401k.display`), above all of them. So the objects call
:func:`text` and :func:`html` here, and :mod:`alt401k.display` registers its
formatters for their types (``text.register(MarketModel)(describe_market)``)
when it is imported -- which ``import alt401k`` always does, whatever
submodule is asked for. A type with no registered formatter gets ``None``,
and the caller falls back to a plain repr.
"""

from __future__ import annotations

from functools import singledispatch

__all__ = ["html", "text"]


@singledispatch
def text(obj: object) -> str | None:
    """A short text display of ``obj``, or None when the face registered none for its type."""
    return None


@singledispatch
def html(obj: object) -> str | None:
    """A small HTML display of ``obj``, or None when the face registered none for its type."""
    return None
