"""Field types of :class:`~alt401k.scenario.pool.Scenario` that take more than one form.

``population``: a Population, a Participant, a DataFrame of cells or its
serialized dict (:data:`PopulationField`); ``rebalancing``: a Rebalancing or
the name of its frequency (:func:`_rebalancing_rule`). The default synthetic
population is built once per size and year (:func:`_default_population`).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

import pandas as pd
from pydantic import (
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)

from ..adoption import (
    Rebalancing,
)
from ..population import Participant, Population
from ._common import (
    POPULATION_SEED,
)

__all__ = ["PopulationField"]


@functools.lru_cache(maxsize=8)
def _default_population(n_cells: int, n_participants: float, start_year: int) -> Population:
    return Population.synthetic(
        n_cells=n_cells,
        total_assets=1e12,
        n_participants=n_participants,
        start_year=start_year,
        rng=POPULATION_SEED,
    )


def _validate_population(value: Any) -> Population | None:
    if value is None or isinstance(value, Population):
        return value
    if isinstance(value, Participant):
        return Population.from_participant(value)
    if isinstance(value, pd.DataFrame):
        return Population.from_frame(value)
    if isinstance(value, dict) and set(value) == {"start_year", "cells"}:
        return Population.from_frame(pd.DataFrame(value["cells"]), start_year=value["start_year"])
    raise ValueError(
        "population must be a Population, a Participant, a DataFrame of cells or "
        f"{{'start_year': ..., 'cells': {{column: values}}}}; got {type(value).__name__}"
    )


def _serialize_population(population: Population | None) -> Any:
    if population is None:
        return None
    return {
        "start_year": population.start_year,
        "cells": population.to_frame().to_dict(orient="list"),
    }


PopulationField = Annotated[
    Population | None,
    PlainValidator(_validate_population),
    PlainSerializer(_serialize_population, return_type=Any),
    # Written out: older pydantic cannot derive a schema from a plain validator.
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "start_year": {"type": "integer"},
                        "cells": {"type": "object", "additionalProperties": {"type": "array"}},
                    },
                    "required": ["start_year", "cells"],
                },
                {"type": "null"},
            ],
            "description": "Weighted participant cells: the start year and one list per column.",
        }
    ),
]


_FREQUENCIES = ("monthly", "quarterly", "annual", "never")


def _rebalancing_rule(value: Any) -> Any:
    if isinstance(value, str):
        if value not in _FREQUENCIES:
            raise ValueError(
                "rebalancing must be 'monthly', 'quarterly', 'annual', 'never' or a "
                f"Rebalancing; got {value!r}"
            )
        return Rebalancing(frequency=value)
    return value
