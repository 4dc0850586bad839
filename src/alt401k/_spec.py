"""Base class of the specification models, and read-only mapping fields."""

from __future__ import annotations

import functools
import math
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    PlainSerializer,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import _show


class FrozenMapping(Mapping[str, float]):
    """A read-only ``str -> float`` mapping that pickles and deep-copies.

    (``types.MappingProxyType`` is read-only too but cannot be pickled, so
    specs holding one could not be sent to worker processes.)
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, float] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> float:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)

    def __eq__(self, other: object) -> bool:
        return dict(self._data) == (dict(other) if isinstance(other, Mapping) else other)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._data.items())))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMapping, (self._data,))


#: A ``str -> float`` mapping field that cannot be changed after validation
#: (a frozen model with a plain dict field could be mutated past its validators).
ReadOnlyWeights = Annotated[
    Mapping[str, float],
    AfterValidator(lambda value: FrozenMapping(value)),
    PlainSerializer(lambda value: dict(value), return_type=dict[str, float]),
]


def _hashable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def _admits_bool(annotation: Any) -> bool:
    """Whether a field takes ``True``/``False`` as themselves (bool, Any, a union with bool)."""
    if annotation is bool or annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _admits_bool(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return any(_admits_bool(arg) for arg in typing.get_args(annotation))
    if origin is typing.Literal:
        return any(isinstance(arg, bool) for arg in typing.get_args(annotation))
    return False


@functools.cache
def _numeric_fields(cls: type[BaseModel]) -> frozenset[str]:
    return frozenset(
        name for name, info in cls.model_fields.items() if not _admits_bool(info.annotation)
    )


_BOUNDS = frozenset({"less_than", "less_than_equal", "greater_than", "greater_than_equal"})


def _bound_on_non_finite(error: Any) -> bool:
    value = error.get("input")
    return (
        error["type"] in _BOUNDS
        and isinstance(value, float)
        and not isinstance(value, bool)
        and not math.isfinite(value)
    )


def _loc_name(loc: tuple[Any, ...]) -> str:
    """``("tiers", 0, 0)`` as ``tiers[0][0]``; union labels left out."""
    from ._validation import is_branch

    text = ""
    for part in loc:
        if is_branch(part):
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "value"


class Spec(BaseModel):
    """Frozen, strict pydantic model with a validating :meth:`replace`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        # pydantic reads True as 1.0 for a float field: `sponsor_adoption: yes` would
        # silently mean "every plan". A rate, share or amount must be written as a number.
        if isinstance(data, Mapping):
            numeric = _numeric_fields(cls)
            for name, value in data.items():
                if isinstance(value, bool) and name in numeric:
                    raise ValueError(
                        f"{name} must be a number (a rate from 0 to 1, or an amount), "
                        f"not the boolean {value}; write 1.0 or 0.0 if that is meant"
                    )
        return data

    @model_validator(mode="wrap")
    @classmethod
    def _finite_first(cls, data: Any, handler: Any) -> Any:
        # NaN and inf fail a bound first ("less than or equal to 1e15"), which hides
        # the reason: such errors are rewritten to say "must be a finite number".
        try:
            return handler(data)
        except ValidationError as err:
            errors = err.errors()
            if not any(_bound_on_non_finite(e) for e in errors):
                raise
            line_errors: list[Any] = []
            for error in errors:
                if _bound_on_non_finite(error):
                    name = _loc_name(error["loc"])
                    line_errors.append(
                        {
                            "type": PydanticCustomError(
                                "finite_number",
                                "{name} must be a finite number; got {value}",
                                {"name": name, "value": repr(error["input"])},
                            ),
                            "loc": error["loc"],
                            "input": error["input"],
                        }
                    )
                else:
                    line_errors.append(
                        {k: error[k] for k in ("type", "loc", "input", "ctx") if k in error}
                    )
            raise ValidationError.from_exception_data(err.title, line_errors) from None

    def __hash__(self) -> int:
        return hash(
            (type(self), *(_hashable(getattr(self, name)) for name in type(self).model_fields))
        )

    def __repr__(self) -> str:
        shown = _show.text(self)  # alt401k.display.describe_spec, registered by the face
        return shown if shown is not None else super().__repr__()

    def _repr_html_(self) -> str | None:
        return _show.html(self)

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, validated again.

        Nested fields are addressed with a double-underscore path, as in
        Django: ``markets__bitcoin__volatility=0.7`` changes the volatility of
        the ``bitcoin`` asset of ``markets``. Each step of a path names a
        field of a specification, or, inside a
        :class:`~alt401k.markets.MarketModel`, an asset name (changed with
        ``replace_asset``) or ``inflation`` (changed with
        ``replace_inflation``). A plain change and nested changes to the
        same field combine: the plain value is set first.

        Raises
        ------
        pydantic.ValidationError
            A new value breaks a rule of the model.
        ValueError
            A path names a field, asset or step that does not exist (the
            message names the whole path), or goes into a value that has no
            fields (a number, a string).

        Examples
        --------
        >>> import alt401k as ak
        >>> scn = ak.Scenario().replace(markets__bitcoin__volatility=0.7)
        >>> scn.markets["bitcoin"].volatility
        0.7
        """
        return _replace_in(self, changes, prefix="")

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, the changes are validated as by :meth:`replace`.

        Pydantic's own ``model_copy(update=...)`` sets fields without
        validation, which would let an invalid specification reach a run;
        here ``update`` goes through :meth:`replace` (nested paths included)
        and an invalid value raises ``pydantic.ValidationError``.
        """
        copy = super().model_copy(deep=deep)
        if update:
            return copy.replace(**dict(update))
        return copy


def _split_changes(
    changes: Mapping[str, Any], prefix: str
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Plain changes, and nested ones grouped by their first step."""
    flat: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in changes.items():
        if "__" not in key:
            flat[key] = value
            continue
        head, rest = key.split("__", 1)
        if not head or not rest or "" in rest.split("__"):
            raise ValueError(
                f"malformed field path {prefix + key!r}: steps are names joined by '__', "
                "e.g. 'markets__bitcoin__volatility'"
            )
        nested.setdefault(head, {})[rest] = value
    return flat, nested


def _replace_in(obj: Any, changes: Mapping[str, Any], prefix: str) -> Any:
    """``obj`` with ``changes`` applied (paths relative to ``obj``), re-validated."""
    flat, nested = _split_changes(changes, prefix)
    if _is_market_model(obj):
        return _replace_in_markets(obj, flat, nested, prefix)
    if not isinstance(obj, BaseModel):
        path = prefix.removesuffix("__")
        first = next(iter(changes))
        raise ValueError(
            f"unknown field path {prefix + first!r}: {path!r} holds a "
            f"{type(obj).__name__}, which has no fields to address"
        )
    fields = type(obj).model_fields
    if prefix:  # at the top level, pydantic's own "Extra inputs" error stays
        for key in flat:
            if key not in fields:
                raise ValueError(
                    f"unknown field path {prefix + key!r}: {type(obj).__name__} has no "
                    f"field {key!r}; fields: {', '.join(fields)}"
                )
    data = {name: getattr(obj, name) for name in fields}
    data.update(flat)
    for head, sub in nested.items():
        if head not in fields:
            first = next(iter(sub))
            raise ValueError(
                f"unknown field path {prefix + head + '__' + first!r}: "
                f"{type(obj).__name__} has no field {head!r}; fields: {', '.join(fields)}"
            )
        data[head] = _replace_in(data[head], sub, prefix + head + "__")
    return type(obj).model_validate(data)


def _is_market_model(obj: Any) -> bool:
    return hasattr(obj, "replace_asset") and hasattr(obj, "replace_inflation")


def _replace_in_markets(
    markets: Any, flat: dict[str, Any], nested: dict[str, dict[str, Any]], prefix: str
) -> Any:
    names = tuple(markets.names)
    steps = f"assets: {', '.join(names)}; or 'inflation'"
    if flat:
        key = next(iter(flat))
        raise ValueError(
            f"unknown field path {prefix + key!r}: a market model is addressed by asset "
            f"name or 'inflation', then a field (e.g. {prefix}bitcoin__volatility); {steps}"
        )
    for head, sub in nested.items():
        for key in sub:
            if "__" in key:
                raise ValueError(
                    f"unknown field path {prefix + head + '__' + key!r}: "
                    f"{head!r} has no nested fields"
                )
        if head in names:
            target = markets[head]
        elif head == "inflation":
            target = markets.inflation
        else:
            first = next(iter(sub))
            raise ValueError(
                f"unknown field path {prefix + head + '__' + first!r}: "
                f"markets has no asset {head!r}; {steps}"
            )
        known = type(target).model_fields
        for key in sub:
            if key not in known:
                raise ValueError(
                    f"unknown field path {prefix + head + '__' + key!r}: "
                    f"{type(target).__name__} has no field {key!r}; fields: {', '.join(known)}"
                )
        if head in names:
            markets = markets.replace_asset(head, **sub)
        else:
            markets = markets.replace_inflation(**sub)
    return markets
