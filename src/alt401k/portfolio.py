"""Portfolios: a fixed-weight core plus an alternative-asset sleeve.

The sleeve is a share of the *whole* portfolio: ``Portfolio(weights={"us_equity":
0.6, "us_bonds": 0.4}, alt_sleeve={"bitcoin": 0.02})`` holds 2% bitcoin and
98% of the 60/40 core (58.8% equity, 39.2% bonds). Holdings are rebalanced to
these targets every period in the participant engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import Field, field_validator, model_validator

from ._spec import ReadOnlyWeights, Spec

__all__ = ["Portfolio", "target_date_weights"]

_WEIGHT_TOL = 1e-9


def _check_weights(name: str, weights: Mapping[str, float]) -> None:
    for asset, weight in weights.items():
        if not np.isfinite(weight) or weight < 0.0 or weight > 1.0:
            raise ValueError(f"{name}[{asset!r}] must be between 0 and 1; got {weight!r}")


class Portfolio(Spec):
    """Target weights of a core portfolio plus an alternative sleeve.

    Parameters
    ----------
    weights : dict of str to float
        Core weights by asset name, each in [0, 1], summing to 1.
    alt_sleeve : dict of str to float
        Share of the whole portfolio held in each alternative asset, each in
        [0, 1], summing to at most 1. The core is scaled by ``1 - sum(alt_sleeve)``.
    """

    weights: ReadOnlyWeights = Field(min_length=1)
    alt_sleeve: ReadOnlyWeights = Field(default_factory=dict, validate_default=True)

    @field_validator("weights")
    @classmethod
    def _core_sums_to_one(cls, weights: Mapping[str, float]) -> Mapping[str, float]:
        _check_weights("weights", weights)
        total = sum(weights.values())
        if abs(total - 1.0) > _WEIGHT_TOL:
            raise ValueError(f"weights must sum to 1; got {total:.12g}")
        return weights

    @field_validator("alt_sleeve")
    @classmethod
    def _sleeve_fits(cls, sleeve: Mapping[str, float]) -> Mapping[str, float]:
        _check_weights("alt_sleeve", sleeve)
        total = sum(sleeve.values())
        if total > 1.0 + _WEIGHT_TOL:
            raise ValueError(f"alt_sleeve shares must sum to at most 1; got {total:.12g}")
        return sleeve

    @model_validator(mode="after")
    def _names_are_identifiers(self) -> Portfolio:
        for asset in (*self.weights, *self.alt_sleeve):
            if not asset or not isinstance(asset, str):
                raise ValueError(f"asset names must be non-empty strings; got {asset!r}")
        return self

    @property
    def sleeve_share(self) -> float:
        """Total share of the portfolio in the alternative sleeve."""
        return float(sum(self.alt_sleeve.values()))

    @property
    def asset_names(self) -> tuple[str, ...]:
        """Assets held: core first, then sleeve assets not in the core."""
        return tuple(dict.fromkeys((*self.weights, *self.alt_sleeve)))

    def target_weights(self, names: Sequence[str]) -> np.ndarray:
        """Target weights aligned with ``names`` (zero for assets not held).

        Parameters
        ----------
        names : sequence of str
            Asset order of the market model, length A.

        Returns
        -------
        ndarray, shape (A,)
            Fractions summing to 1.

        Raises
        ------
        ValueError
            If the portfolio holds an asset that is not in ``names``.
        """
        index = {name: i for i, name in enumerate(names)}
        missing = [a for a in self.asset_names if a not in index]
        if missing:
            raise ValueError(
                f"portfolio asset {missing[0]!r} is not in the market model; "
                f"available: {', '.join(names)}"
            )
        out = np.zeros(len(names))
        core_scale = 1.0 - self.sleeve_share
        for asset, weight in self.weights.items():
            out[index[asset]] += core_scale * weight
        for asset, share in self.alt_sleeve.items():
            out[index[asset]] += share
        return out

    def without_sleeve(self) -> Portfolio:
        """The same core with no alternative sleeve (the paired baseline)."""
        return self.replace(alt_sleeve={})


#: Target-date glide path (*est.*, typical of large US "through" series):
#: equity share by years until age 65, and the split of equity and bonds.
_GLIDE_YEARS_TO_65 = np.array([-7.0, 0.0, 25.0])
_GLIDE_EQUITY = np.array([0.30, 0.50, 0.90])
_GLIDE_ASSETS = ("us_equity", "intl_equity", "us_bonds")
_US_SHARE_OF_EQUITY = 0.60


def target_date_weights(age: float | np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Weights of a target-date fund for investors of a given age.

    The glide path (*est.*, typical of large US target-date series): 90%
    equity until 25 years before 65, falling linearly to 50% at 65 and to
    30% at 72, flat after; equity is 60% US (``us_equity``) and 40%
    international (``intl_equity``); the rest is ``us_bonds``.

    Parameters
    ----------
    age : float or ndarray, shape (M,)
        Age of the fund's investors, years.
    names : sequence of str
        Asset order of the market model, length A; must contain the three
        assets above.

    Returns
    -------
    ndarray, shape (A,) or (A, M)
        Fractions summing to 1 (per column).
    """
    index = {name: i for i, name in enumerate(names)}
    missing = [a for a in _GLIDE_ASSETS if a not in index]
    if missing:
        raise ValueError(
            f"target-date funds need asset {missing[0]!r} in the market model; "
            f"available: {', '.join(names)}"
        )
    age = np.asarray(age, dtype=float)
    equity = np.interp(65.0 - age, _GLIDE_YEARS_TO_65, _GLIDE_EQUITY)
    out = np.zeros((len(names), *age.shape))
    out[index["us_equity"]] = _US_SHARE_OF_EQUITY * equity
    out[index["intl_equity"]] = (1.0 - _US_SHARE_OF_EQUITY) * equity
    out[index["us_bonds"]] = 1.0 - equity
    return out
