"""Helpers shared by the adoption specifications: positional fields, value text, choices."""

from __future__ import annotations

from typing import Any

from ..uncertain import _Positional, _text

__all__ = ["_Positional", "_one_of", "_text"]


def _one_of(name: str, allowed: tuple[str, ...], value: Any) -> Any:
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {choices}; got {value!r}")
    return value
