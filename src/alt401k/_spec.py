"""Base class of the specification models, and read-only mapping fields."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer

#: A ``str -> float`` mapping field that cannot be changed after validation
#: (a frozen model with a plain dict field could be mutated past its validators).
ReadOnlyWeights = Annotated[
    Mapping[str, float],
    AfterValidator(lambda value: MappingProxyType(dict(value))),
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

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, validated again (unlike ``model_copy``)."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**data, **changes})
