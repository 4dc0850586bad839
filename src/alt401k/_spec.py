"""Base class of the specification models, and read-only mapping fields."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer


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


class Spec(BaseModel):
    """Frozen, strict pydantic model with a validating :meth:`replace`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __hash__(self) -> int:
        return hash(
            (type(self), *(_hashable(getattr(self, name)) for name in type(self).model_fields))
        )

    def __repr__(self) -> str:
        from .display import describe_spec

        return describe_spec(self)

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, validated again (unlike ``model_copy``)."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**data, **changes})
