"""Saving and rerunning, for the results' ``save`` and ``rerun`` methods (issue 19).

:mod:`alt401k.io` writes, reads and reruns results, so it imports them; the
results' convenience methods ``save(path)`` and ``rerun()`` must then not
import io back. io fills these two slots with :func:`alt401k.io.save` and
:func:`alt401k.io.rerun` when it is imported -- which ``import alt401k``
always does -- and the methods call them through here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["register", "rerun", "save"]

_SLOTS: dict[str, Callable[..., Any]] = {}


def register(*, save: Callable[..., Path], rerun: Callable[..., Any]) -> None:
    """Install io's ``save`` and ``rerun`` (called once, by :mod:`alt401k.io`)."""
    _SLOTS.update(save=save, rerun=rerun)


def _slot(name: str) -> Callable[..., Any]:
    if name not in _SLOTS:  # only if alt401k.io was never imported, which import alt401k does
        raise RuntimeError(f"{name} needs alt401k.io: import alt401k first")
    return _SLOTS[name]


def save(result: Any, path: str | Path) -> Path:
    """Write ``result`` to a directory; see :func:`alt401k.io.save`."""
    return Path(_slot("save")(result, path))


def rerun(result: Any) -> Any:
    """Simulate ``result`` again from its specification and seed; see :func:`alt401k.io.rerun`."""
    return _slot("rerun")(result)
