"""Helpers shared by the adoption specifications: positional fields, value text, choices."""

from __future__ import annotations

from typing import Any, ClassVar

from .._spec import Spec


def _text(value: Any) -> str:
    """A number as a user wrote it (``2`` not ``2.0``); anything else as repr."""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return f"{value:g}" if is_number else repr(value)


class _Positional(Spec):
    """A spec that also takes its main fields positionally, ``Uniform(0.0, 1.0)``."""

    _positional: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = type(self)._positional
        if len(args) > len(names):
            raise TypeError(
                f"{type(self).__name__} takes at most {len(names)} positional arguments "
                f"({', '.join(names)}); got {len(args)}"
            )
        for name, value in zip(names, args, strict=False):
            if name in kwargs:
                raise TypeError(f"{type(self).__name__} got {name} twice")
            kwargs[name] = value
        super().__init__(**kwargs)


def _one_of(name: str, allowed: tuple[str, ...], value: Any) -> Any:
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {choices}; got {value!r}")
    return value
