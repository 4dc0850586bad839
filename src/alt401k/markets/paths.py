"""Sampled market paths: :class:`ReturnPaths`.

A plain frozen dataclass (the results layer of STYLE.md): it holds arrays, not
a specification, so the engine can take it without touching pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _compound(per_period: np.ndarray, periods_per_year: int) -> np.ndarray:
    """Compound per-period simple returns of shape (S, T, ...) into years (S, Y, ...)."""
    n_scenarios, n_periods = per_period.shape[:2]
    tail = per_period.shape[2:]
    by_year = per_period.reshape(
        n_scenarios, n_periods // periods_per_year, periods_per_year, *tail
    )
    # A loop over the periods of one year keeps temporaries at (S, Y, ...), not (S, T, ...).
    growth = by_year[:, :, 0] + 1.0
    factor = np.empty_like(growth)
    for k in range(1, periods_per_year):
        np.add(by_year[:, :, k], 1.0, out=factor)
        growth *= factor
    growth -= 1.0
    return growth


@dataclass(frozen=True, eq=False)
class ReturnPaths:
    """Per-period simple returns and inflation for a block of scenarios.

    Produced by :meth:`alt401k.markets.MarketModel.sample`. Returns are gross
    of fund expenses (apply ``MarketModel.expense_ratios`` in the engine) and
    nominal. Arrays made by ``sample`` are read-only.

    Parameters
    ----------
    returns : ndarray, shape (S, T, A), float64
        Simple return of asset ``a`` over period ``t`` of scenario ``s``
        (fraction per period, e.g. 0.01 = +1% in that month).
    inflation : ndarray, shape (S, T), float64
        Simple inflation rate over each period (fraction per period).
    asset_names : tuple of str, length A
        Names of the assets along the last axis of ``returns``.
    periods_per_year : int
        Periods per year; ``T`` is a multiple of it.
    first_scenario : int
        Global index of row 0: row ``i`` is scenario ``first_scenario + i``.
    seed : dict or None
        The root seed that produced the draws (see
        :func:`alt401k._random.seed_record`), enough to reproduce them.
    parameters : dict of str to ndarray, shape (S,) each
        Per-scenario draws behind the paths, keyed ``"asset/quantity"``:
        ``"bitcoin/expected_return"`` (the arithmetic annual mean drawn for
        the scenario when the expected return is uncertain, fraction per
        year) and ``"bitcoin/ruin_year"`` (0-based year of permanent loss,
        float; :data:`alt401k.markets.model.NO_RUIN` when never). Empty for
        the plain lognormal model.
    economic_returns : ndarray, shape (S, T, A), float64, or None
        The true (economic) per-period returns when some returned asset's
        value is appraisal-smoothed (``AssetClass.smoothing > 0``); then
        ``returns`` holds the reported (NAV) series, which balances use.
        Columns of assets that do not smooth equal those of ``returns``.
        None (default) when no returned asset smooths.
    """

    returns: np.ndarray
    inflation: np.ndarray
    asset_names: tuple[str, ...]
    periods_per_year: int
    first_scenario: int = 0
    seed: dict[str, object] | None = None
    parameters: dict[str, np.ndarray] = field(default_factory=dict)
    economic_returns: np.ndarray | None = None

    def __post_init__(self) -> None:
        returns = self.returns
        inflation = self.inflation
        if not isinstance(returns, np.ndarray) or returns.ndim != 3:
            raise ValueError(
                "returns must be a 3-d array (n_scenarios, n_periods, n_assets); "
                f"got shape {np.shape(returns)}"
            )
        if not isinstance(inflation, np.ndarray) or inflation.shape != returns.shape[:2]:
            raise ValueError(
                f"inflation must have shape (n_scenarios, n_periods) = {returns.shape[:2]}; "
                f"got {np.shape(inflation)}"
            )
        names = tuple(self.asset_names)
        object.__setattr__(self, "asset_names", names)
        if len(names) != returns.shape[2]:
            raise ValueError(
                f"asset_names must have one name per asset ({returns.shape[2]}); got {len(names)}"
            )
        ppy = self.periods_per_year
        if isinstance(ppy, bool) or not isinstance(ppy, (int, np.integer)) or ppy < 1:
            raise ValueError(f"periods_per_year must be an integer >= 1; got {ppy!r}")
        if returns.shape[1] % ppy:
            raise ValueError(
                f"n_periods ({returns.shape[1]}) must be a whole number of years of "
                f"periods_per_year={ppy} periods"
            )
        if self.first_scenario < 0:
            raise ValueError(f"first_scenario must be >= 0; got {self.first_scenario}")
        economic = self.economic_returns
        if economic is not None and (
            not isinstance(economic, np.ndarray) or economic.shape != returns.shape
        ):
            raise ValueError(
                f"economic_returns must be None or have the shape of returns {returns.shape}; "
                f"got {np.shape(economic)}"
            )
        for key, values in self.parameters.items():
            if np.shape(values) != (returns.shape[0],):
                raise ValueError(
                    f"parameters[{key!r}] must have shape (n_scenarios,) = "
                    f"({returns.shape[0]},); got {np.shape(values)}"
                )

    @property
    def n_scenarios(self) -> int:
        """Number of scenarios S (rows)."""
        return int(self.returns.shape[0])

    @property
    def n_periods(self) -> int:
        """Number of periods T."""
        return int(self.returns.shape[1])

    @property
    def n_assets(self) -> int:
        """Number of assets A."""
        return int(self.returns.shape[2])

    @property
    def n_years(self) -> int:
        """Number of whole years Y = T / periods_per_year."""
        return self.n_periods // self.periods_per_year

    def annual_returns(self) -> np.ndarray:
        """Returns compounded over each calendar year of the path.

        Returns
        -------
        ndarray, shape (S, Y, A), float64
            ``prod_k (1 + r[s, y*n + k, a]) - 1`` with ``n = periods_per_year``
            (fraction per year).
        """
        return _compound(self.returns, self.periods_per_year)

    def annual_economic_returns(self) -> np.ndarray:
        """Economic (true) returns compounded over each year, shape (S, Y, A).

        Equal to :meth:`annual_returns` when no returned asset is smoothed.
        """
        source = self.returns if self.economic_returns is None else self.economic_returns
        return _compound(source, self.periods_per_year)

    def annual_inflation(self) -> np.ndarray:
        """Inflation compounded over each year.

        Returns
        -------
        ndarray, shape (S, Y), float64
            Annual simple inflation rate (fraction per year).
        """
        return _compound(self.inflation, self.periods_per_year)

    def asset(self, name: str) -> np.ndarray:
        """Per-period returns of one asset.

        Returns
        -------
        ndarray, shape (S, T), float64
            A view into :attr:`returns`.
        """
        try:
            index = self.asset_names.index(name)
        except ValueError:
            raise ValueError(
                f"unknown asset {name!r}; available: {', '.join(self.asset_names)}"
            ) from None
        return self.returns[:, :, index]

    def __repr__(self) -> str:
        return (
            f"ReturnPaths(n_scenarios={self.n_scenarios}, n_periods={self.n_periods}, "
            f"assets={self.asset_names}, periods_per_year={self.periods_per_year}, "
            f"first_scenario={self.first_scenario})"
        )
