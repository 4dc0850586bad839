"""Base class of the specification models."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict


class Spec(BaseModel):
    """Frozen, strict pydantic model with a validating :meth:`replace`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, validated again (unlike ``model_copy``)."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**data, **changes})
