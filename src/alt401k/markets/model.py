"""The market model: asset classes, their correlation and inflation, and its sampler.

:class:`MarketModel` is a frozen pydantic specification holding annual
assumptions: its :class:`~alt401k.markets.asset.AssetClass` es (one module
each for the asset, :mod:`~alt401k.markets.asset`, and inflation,
:mod:`~alt401k.markets.inflation`), their correlation, and inflation.
:meth:`MarketModel.sample` turns them into per-period simple-return paths
(:class:`~alt401k.markets.paths.ReturnPaths`) through
:mod:`alt401k.markets.sampling`; :func:`~alt401k.markets.lognormal.lognormal_params`
(:mod:`alt401k.markets.lognormal`, with the model's equations) is the
array-level function behind it, reusable by the engine. The names that lived
here before issue 19 split the module (``AssetClass``, ``InflationModel``,
``lognormal_params``, ``NO_RUIN``) are still importable from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, field_validator, model_validator

from alt401k import _show
from alt401k._random import RngLike
from alt401k.markets.asset import _SPEC_CONFIG, AssetClass
from alt401k.markets.inflation import InflationModel
from alt401k.markets.lognormal import (
    _ENTRY_TOL,
    _PSD_TOL,
    _check_periods_per_year,
    lognormal_params,
)
from alt401k.markets.paths import ReturnPaths
from alt401k.markets.private import pre_default_volatility
from alt401k.markets.sampling import NO_RUIN, sample_paths

__all__ = ["NO_RUIN", "AssetClass", "InflationModel", "MarketModel", "lognormal_params"]


class MarketModel(BaseModel):
    """A set of asset classes with correlated annual returns, plus inflation.

    Parameters
    ----------
    assets : tuple of AssetClass, length A >= 1
        Asset classes, unique names; their order is the asset axis of every
        array this model produces.
    correlation : tuple of tuples of float, shape (A, A)
        Correlation of annual simple returns: symmetric, unit diagonal,
        entries in [-1, 1], positive semi-definite. A numpy array is accepted.
    inflation : InflationModel
        Inflation, independent of asset returns.

    Notes
    -----
    The model is validated at construction, including that the lognormal
    transform of ``correlation`` (see :func:`lognormal_params`) is positive
    semi-definite, so :meth:`sample` cannot fail on parameters.

    Examples
    --------
    >>> from alt401k.markets import default_markets
    >>> markets = default_markets().subset(["us_equity", "us_bonds", "bitcoin"])
    >>> paths = markets.sample(1000, 30, rng=42)
    >>> paths.returns.shape
    (1000, 360, 3)
    """

    model_config = _SPEC_CONFIG

    assets: tuple[AssetClass, ...] = Field(min_length=1)
    correlation: tuple[tuple[float, ...], ...]
    inflation: InflationModel = InflationModel()

    @field_validator("correlation", mode="before")
    @classmethod
    def _correlation_from_array(cls, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value.tolist()
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> MarketModel:
        names = [asset.name for asset in self.assets]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(
                "asset names must be unique; duplicated: " + ", ".join(map(repr, duplicates))
            )
        n_assets = len(names)
        corr = self.correlation
        n_rows = len(corr)
        widths = {len(row) for row in corr}
        if n_rows != n_assets or widths != {n_assets}:
            shape = f"{n_rows}x{widths.pop()}" if len(widths) == 1 else "ragged"
            if n_rows == 0:
                shape = "0x0"
            raise ValueError(
                f"correlation must be {n_assets}x{n_assets} to match {n_assets} assets "
                f"({', '.join(names)}); got {shape}"
            )
        for i in range(n_assets):
            for j in range(n_assets):
                if not -1.0 <= corr[i][j] <= 1.0:
                    raise ValueError(
                        f"correlation[{i}][{j}]={corr[i][j]} ({names[i]}, {names[j]}) is "
                        "outside [-1, 1]"
                    )
        for i in range(n_assets):
            if abs(corr[i][i] - 1.0) > _ENTRY_TOL:
                raise ValueError(
                    f"correlation[{i}][{i}] ({names[i]}) must be 1 on the diagonal; "
                    f"got {corr[i][i]}"
                )
        for i in range(n_assets):
            for j in range(i + 1, n_assets):
                if abs(corr[i][j] - corr[j][i]) > _ENTRY_TOL:
                    raise ValueError(
                        f"correlation must be symmetric: correlation[{i}][{j}]={corr[i][j]} "
                        f"but correlation[{j}][{i}]={corr[j][i]} ({names[i]}, {names[j]})"
                    )
        smallest = float(np.linalg.eigvalsh(self.correlation_matrix)[0])
        if smallest < -_PSD_TOL:
            raise ValueError(
                "correlation must be positive semi-definite; its smallest eigenvalue is "
                f"{smallest:.6g} < -{_PSD_TOL:g}"
            )
        # Fails early if lognormal returns cannot have these correlations.
        lognormal_params(
            self.expected_returns, self.volatilities, self.correlation_matrix, 1, names=names
        )
        self._check_extensions()
        # Default losses are part of the stated volatility: they must fit inside it
        # (checked at the default monthly frequency here, at the run's one when sampling).
        self._pre_loss_volatilities(self.volatilities, self.expected_returns, 12)
        for asset in self.assets:
            if asset.liquidity_share == 0.0:
                continue
            if asset.liquidity_asset not in names:
                raise ValueError(
                    f"liquidity_asset {asset.liquidity_asset!r} of {asset.name!r} is not an "
                    f"asset of the model; available: {', '.join(names)}"
                )
            liquid = self[asset.liquidity_asset]
            if liquid.name == asset.name or liquid.liquidity_share > 0.0:
                raise ValueError(
                    f"liquidity_asset of {asset.name!r} must be another asset without a "
                    f"liquidity sleeve of its own; got {liquid.name!r}"
                )
        return self

    def _check_extensions(self) -> None:
        names = self.names
        corr = self.correlation_matrix
        # Scheduled volatilities and the lowest uncertain mean (largest v = sigma/(1+mu))
        # must keep the lognormal correlations attainable; checked at the schedule points.
        points = sorted(
            {year for asset in self.assets for year, _ in (asset.volatility_schedule or ())}
        )
        mus = self.expected_returns
        for i, asset in enumerate(self.assets):
            if asset.expected_return_uncertainty is not None:
                low = asset.expected_return_uncertainty.ppf(np.array([0.0]))
                mus[i] = float(np.asarray(low, dtype=float)[0])
        if points or np.any(mus != self.expected_returns):
            for year in points or [0]:
                vols = np.array([asset.volatility_by_year(year + 1)[-1] for asset in self.assets])
                lognormal_params(mus, vols, corr, 1, names=names)
        pairs = self.inflation.asset_correlation
        if not pairs:
            return
        for name, _ in pairs:
            if name not in names:
                raise ValueError(
                    f"inflation.asset_correlation names unknown asset {name!r}; "
                    f"available: {', '.join(names)}"
                )
            if self[name].volatility == 0.0:
                raise ValueError(
                    f"inflation.asset_correlation names {name!r}, whose volatility is 0: "
                    "it has no shock to correlate with"
                )
        self._inflation_loadings(1)

    def _inflation_loadings(self, periods_per_year: int) -> tuple[np.ndarray, np.ndarray]:
        """The named assets' standardized shock rows and the loadings ``beta``."""
        pairs = self.inflation.asset_correlation
        index = [self.names.index(name) for name, _ in pairs]
        c = np.array([rho for _, rho in pairs], dtype=np.float64)
        _, factor = self.log_params(periods_per_year)
        rows = factor[index]
        rows = rows / np.sqrt(np.sum(rows * rows, axis=1))[:, None]
        log_corr = rows @ rows.T
        beta = np.linalg.pinv(log_corr) @ c
        explained = float(beta @ c)
        if not np.allclose(log_corr @ beta, c, atol=1e-9) or explained > 1.0 + 1e-9:
            raise ValueError(
                f"inflation.asset_correlation={pairs} cannot hold together: given the "
                "correlations between these assets' log returns, no inflation shock has "
                "these correlations with them"
            )
        return rows, beta

    def __repr__(self) -> str:
        shown = _show.text(self)  # alt401k.display.describe_market, registered by the face
        return shown if shown is not None else super().__repr__()

    def _repr_html_(self) -> str | None:
        return _show.html(self)

    # ------------------------------------------------------------------ views

    @property
    def names(self) -> tuple[str, ...]:
        """Asset names, in axis order."""
        return tuple(asset.name for asset in self.assets)

    @property
    def n_assets(self) -> int:
        """Number of assets A."""
        return len(self.assets)

    @property
    def expected_returns(self) -> np.ndarray:
        """Arithmetic annual means, shape (A,), fraction per year."""
        return np.array([asset.expected_return for asset in self.assets], dtype=np.float64)

    @property
    def volatilities(self) -> np.ndarray:
        """Annual standard deviations of simple returns, shape (A,), fraction per year."""
        return np.array([asset.volatility for asset in self.assets], dtype=np.float64)

    @property
    def expense_ratios(self) -> np.ndarray:
        """Annual expense ratios, shape (A,), fraction of assets per year."""
        return np.array([asset.expense_ratio for asset in self.assets], dtype=np.float64)

    @property
    def correlation_matrix(self) -> np.ndarray:
        """Correlation of annual simple returns, shape (A, A), exactly symmetric, unit diagonal."""
        corr = np.array(self.correlation, dtype=np.float64)
        corr = 0.5 * (corr + corr.T)
        np.fill_diagonal(corr, 1.0)
        return corr

    def _index(self, name: str) -> int:
        names = self.names
        if name not in names:
            raise ValueError(f"unknown asset {name!r}; available: {', '.join(names)}")
        return names.index(name)

    def __getitem__(self, name: str) -> AssetClass:
        """The asset called ``name`` (``KeyError`` if there is none)."""
        if name not in self.names:
            raise KeyError(f"unknown asset {name!r}; available: {', '.join(self.names)}")
        return self.assets[self.names.index(name)]

    # --------------------------------------------------------------- variants

    @classmethod
    def from_assets(
        cls,
        assets: Sequence[AssetClass | Mapping[str, Any]],
        correlations: Mapping[tuple[str, str], float] | None = None,
        default_correlation: float = 0.0,
        *,
        inflation: InflationModel | None = None,
    ) -> MarketModel:
        """Build a model from pairwise correlations.

        Parameters
        ----------
        assets : sequence of AssetClass (or dicts of its fields)
        correlations : mapping of (name, name) -> float
            Correlation of each listed pair, in either order; a pair given in
            both orders must agree.
        default_correlation : float
            Correlation of every pair not listed.
        inflation : InflationModel, optional
            Defaults to :class:`InflationModel` ().
        """
        parsed = tuple(AssetClass.model_validate(asset) for asset in assets)
        names = [asset.name for asset in parsed]
        index = {name: i for i, name in enumerate(names)}
        n_assets = len(parsed)
        corr = [
            [1.0 if i == j else float(default_correlation) for j in range(n_assets)]
            for i in range(n_assets)
        ]
        seen: dict[frozenset[str], float] = {}
        for key, value in (correlations or {}).items():
            if not (isinstance(key, tuple) and len(key) == 2):
                raise ValueError(f"correlations keys must be (name, name) pairs; got {key!r}")
            for name in key:
                if name not in index:
                    raise ValueError(
                        f"unknown asset {name!r} in correlations key {key!r}; "
                        f"available: {', '.join(names)}"
                    )
            a, b = key
            if a == b:
                raise ValueError(
                    f"correlations key {key!r} pairs an asset with itself; its correlation is 1"
                )
            pair = frozenset(key)
            if pair in seen and seen[pair] != value:
                raise ValueError(
                    f"correlations gives ({a!r}, {b!r}) twice with different values: "
                    f"{seen[pair]} and {value}"
                )
            seen[pair] = value
            corr[index[a]][index[b]] = corr[index[b]][index[a]] = float(value)
        fields: dict[str, Any] = {"assets": parsed, "correlation": corr}
        if inflation is not None:
            fields["inflation"] = inflation
        return cls(**fields)

    def subset(self, names: Sequence[str]) -> MarketModel:
        """A model with only ``names``, in the order given (re-validated)."""
        if isinstance(names, str):
            names = [names]
        indices = [self._index(name) for name in names]
        corr = self.correlation
        return MarketModel(
            assets=tuple(self.assets[i] for i in indices),
            correlation=tuple(tuple(corr[i][j] for j in indices) for i in indices),
            inflation=self.inflation,
        )

    def replace_asset(self, name: str, **changes: Any) -> MarketModel:
        """A model with one asset's fields changed (re-validated).

        Examples
        --------
        >>> from alt401k.markets import default_markets
        >>> default_markets().replace_asset("bitcoin", expected_return=0.10)["bitcoin"].volatility
        0.55
        """
        i = self._index(name)
        fields = {**self.assets[i].model_dump(), **changes}
        assets = (*self.assets[:i], AssetClass(**fields), *self.assets[i + 1 :])
        return MarketModel(assets=assets, correlation=self.correlation, inflation=self.inflation)

    def replace_inflation(self, **changes: Any) -> MarketModel:
        """A model with the inflation fields changed (re-validated)."""
        inflation = InflationModel(**{**self.inflation.model_dump(), **changes})
        return MarketModel(assets=self.assets, correlation=self.correlation, inflation=inflation)

    def with_correlation(self, a: str, b: str, rho: float) -> MarketModel:
        """A model with ``correlation[a][b] = correlation[b][a] = rho`` (re-validated)."""
        i, j = self._index(a), self._index(b)
        if i == j:
            raise ValueError(f"with_correlation needs two different assets; got {a!r} twice")
        corr = [list(row) for row in self.correlation]
        corr[i][j] = corr[j][i] = rho
        return MarketModel(assets=self.assets, correlation=corr, inflation=self.inflation)

    # --------------------------------------------------------------- sampling

    def log_params(self, periods_per_year: int = 12) -> tuple[np.ndarray, np.ndarray]:
        """Per-period log-return mean ``m`` (A,) and covariance factor ``L`` (A, A).

        See :func:`lognormal_params`. Simple returns are
        ``expm1(m + L @ z)`` with ``z`` standard normal of shape (A,). An
        asset with default losses enters with its pre-loss volatility
        (:func:`alt401k.markets.private.pre_default_volatility`), so that
        its total, losses included, has the stated one.
        """
        ppy = _check_periods_per_year(periods_per_year)
        return lognormal_params(
            self.expected_returns,
            self._pre_loss_volatilities(self.volatilities, self.expected_returns, ppy),
            self.correlation_matrix,
            ppy,
            names=self.names,
        )

    def _pre_loss_volatilities(self, vols: np.ndarray, mus: np.ndarray, ppy: int) -> np.ndarray:
        """``vols`` (A,) with each defaulting asset's volatility before its losses.

        ``mus`` (A,) are the arithmetic means the volatilities go with. The
        same array comes back when no asset has default losses.
        """
        lossy = [i for i, asset in enumerate(self.assets) if asset.default_rate > 0.0]
        if not lossy:
            return vols
        out = np.array(vols, dtype=np.float64)
        for i in lossy:
            asset = self.assets[i]
            out[..., i] = pre_default_volatility(
                out[..., i], mus[..., i], asset.default_rate, asset.loss_given_default,
                asset.default_correlation, ppy, name=asset.name,
            )  # fmt: skip
        return out

    def sample(
        self,
        n_scenarios: int,
        n_years: int,
        periods_per_year: int = 12,
        *,
        rng: RngLike = None,
        first_scenario: int = 0,
        assets: Sequence[str] | None = None,
        sampling: str = "mc",
    ) -> ReturnPaths:
        """Draw per-period return and inflation paths.

        Parameters
        ----------
        n_scenarios : int
            Number of scenarios S (>= 1).
        n_years : int
            Horizon in years (>= 1); T = n_years * periods_per_year.
        periods_per_year : int
            Periods per year, an integer in [1, 366]; 12 (monthly) by default.
        rng : None, int, SeedSequence or Generator
            Seed (SPEC 7). To split a run into chunks, pass the same int or
            ``SeedSequence`` with different ``first_scenario``: a
            ``Generator`` is advanced on every call.
        first_scenario : int
            Global index of the first scenario (>= 0). Row ``i`` of the
            result is scenario ``first_scenario + i``, bit-for-bit the same
            whatever the chunking.
        assets : sequence of str, optional
            Assets to return, in this order (default: all). Shocks are
            always drawn for every asset of the model, so a request for a
            few assets returns exactly those columns of the full draw.
        sampling : {"mc", "antithetic", "qmc"}
            How the Gaussian shocks of assets and inflation are drawn
            (:func:`alt401k._random.sampled_period_normals`): ``"mc"``
            (default) independent pseudo-random normals, bit-identical to
            earlier releases; ``"antithetic"`` scenario pairs with negated
            shocks; ``"qmc"`` scrambled Sobol' points through a Brownian
            bridge over the horizon, randomised per block of 1,000
            scenarios. Only the Gaussian part is stratified: the draws of
            return models (Student-t mixing, jumps, regimes, GARCH,
            bootstrap), default losses, ruin and uncertain parameters stay
            pseudo-random, though a model's input shock is the stratified
            normal.

        Returns
        -------
        ReturnPaths
            ``returns`` (S, T, A') and ``inflation`` (S, T): per-period simple
            rates (fractions), gross of expense ratios, read-only.

        Notes
        -----
        ``returns[s, t] = expm1(m + L z[s, t])`` with ``z`` drawn from the
        asset stream of :mod:`alt401k._random` and ``(m, L)`` from
        :meth:`log_params`; inflation uses its own stream, so changing the
        assets never changes inflation draws. Draws are keyed by calendar
        year (:func:`alt401k._random.period_normals`): the first ``k`` years
        of a longer run are the same numbers as a ``k``-year run, for the
        same seed and periods per year (common random numbers across
        horizons, retirement ages and asset choices). Memory: one (S, T, A)
        float64 array plus a small buffer.

        Private-asset features apply after the return model and the ruin
        hazard, in this order (:mod:`alt401k.markets.private`): default
        losses (uniforms keyed ``"<asset>/defaults"`` in the return-model
        stream), appraisal smoothing (``returns`` becomes the reported NAV
        series and ``economic_returns`` keeps the true one, when a returned
        asset smooths), then the liquidity sleeve blend. Assets without them
        are bit-for-bit unchanged.
        """
        return sample_paths(
            self, n_scenarios, n_years, periods_per_year,
            rng=rng, first_scenario=first_scenario, assets=assets, sampling=sampling,
        )  # fmt: skip
