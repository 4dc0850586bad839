"""The plug-in point for return models other than the lognormal.

An :class:`~alt401k.markets.model.AssetClass` with ``model=`` set to a
:class:`ReturnModel` keeps its place in the correlation structure: the
market draws one standard normal shock per asset and period, correlated as
the model's correlation matrix says (for lognormal assets, exactly the
construction of :mod:`alt401k.markets.model`), and hands the asset's
*standardized* correlated shock to its model, which turns it into per-period
log returns -- using it as the Gaussian-copula score of its own marginal, or
ignoring it (a bootstrap) -- with any extra random numbers drawn through
:class:`Draws`.

Contract of :meth:`ReturnModel.log_returns`:

* ``shocks`` (S, T): standard normal, correlated across assets;
* ``mean``: the asset's stated arithmetic annual mean of simple returns
  (a float, or (S, 1) when drawn per scenario);
* ``volatility`` (Y,): the stated annual volatility in each year (a
  schedule may vary it);
* returns (S, T) per-period log returns whose compounded annual simple
  returns have that mean and volatility -- exactly in distribution, or to an
  approximation the model documents.

Extra draws go through :class:`Draws`, keyed by (seed block, year, asset,
name), so every guarantee of the lognormal model holds: a shorter horizon
is a prefix of a longer one, chunking never changes a number, and adding a
model to one asset never changes another asset's draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from alt401k._random import Stream, by_blocks, keyed_period_draws, keyed_uniforms

__all__ = ["RETURN_MODELS", "Draws", "ReturnModel", "as_return_model", "register"]

#: Registered model classes by their ``kind``; a model is registered when its module loads.
RETURN_MODELS: dict[str, type[ReturnModel]] = {}


class ReturnModel(BaseModel):
    """Base class of the return models an asset can use instead of the lognormal."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    kind: ClassVar[str] = ""

    def log_returns(
        self,
        shocks: np.ndarray,
        *,
        mean: float | np.ndarray,
        volatility: np.ndarray,
        periods_per_year: int,
        draws: Draws,
    ) -> np.ndarray:
        """Per-period log returns (S, T); see the module docstring for the contract."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly fields with the ``kind`` that rebuilds the model."""
        return {"kind": self.kind, **self.model_dump(mode="json")}


def register(cls: type[ReturnModel]) -> type[ReturnModel]:
    """Class decorator: make a model known by its ``kind`` (for JSON round trips)."""
    if not cls.kind:
        raise ValueError(f"{cls.__name__} must set a non-empty class attribute kind")
    RETURN_MODELS[cls.kind] = cls
    return cls


def as_return_model(value: Any) -> ReturnModel | None:
    """A model instance, or one rebuilt from ``{"kind": ..., **fields}``; None stays None."""
    if value is None or isinstance(value, ReturnModel):
        return value
    if isinstance(value, dict) and "kind" in value:
        fields = dict(value)
        kind = fields.pop("kind")
        if kind not in RETURN_MODELS:
            raise ValueError(
                f"model kind {kind!r} is unknown; known: {', '.join(sorted(RETURN_MODELS))}"
            )
        return RETURN_MODELS[kind](**fields)
    raise ValueError(
        f"model must be a return model (e.g. alt401k.markets.StudentT) or a dict with its "
        f"kind; got {type(value).__name__}"
    )


@dataclass(frozen=True)
class Draws:
    """Extra random numbers for one asset's model, for scenarios ``start:stop``.

    Every name has its own stream keyed by (block, year, ``scope``/name):
    ``scope`` is the asset's name, or a shared scope (:meth:`shared`) so that
    several assets see the same draws (a regime chain common to all, a joint
    bootstrap of one history).
    """

    root: np.random.SeedSequence
    start: int
    stop: int
    n_years: int
    periods_per_year: int
    scope: str

    def normals(self, name: str, width: int = 1) -> np.ndarray:
        """Standard normals, shape (S, T, width)."""
        return keyed_period_draws(
            self.root, Stream.RETURN_MODELS, f"{self.scope}/{name}", self.start, self.stop,
            self.n_years, self.periods_per_year, width,
        )  # fmt: skip

    def uniforms(self, name: str, width: int = 1) -> np.ndarray:
        """Uniforms on [0, 1), shape (S, T, width)."""
        return keyed_period_draws(
            self.root, Stream.RETURN_MODELS, f"{self.scope}/{name}", self.start, self.stop,
            self.n_years, self.periods_per_year, width, uniform=True,
        )  # fmt: skip

    def per_scenario(self, name: str, width: int = 1) -> np.ndarray:
        """Uniforms drawn once per scenario, shape (S, width), the same whatever the chunking."""
        key = f"{self.scope}/{name}"
        return by_blocks(
            lambda lo, hi: keyed_uniforms(self.root, Stream.RETURN_MODELS, key, lo, hi, width),
            self.start,
            self.stop,
        )

    def shared(self, scope: str) -> Draws:
        """The same draws for every asset that asks for this ``scope``."""
        return Draws(
            self.root, self.start, self.stop, self.n_years, self.periods_per_year,
            f"shared:{scope}",
        )  # fmt: skip
