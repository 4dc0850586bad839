"""The sampler of :meth:`MarketModel.sample <alt401k.markets.model.MarketModel.sample>`.

:func:`sample_paths` draws the Gaussian shocks of every asset and of
inflation (:mod:`alt401k._random`), turns them into returns through the
lognormal transform (:mod:`alt401k.markets.lognormal`) or an asset's own
return model, then applies, in this order, the extensions an asset asks for:
per-year volatilities and per-scenario uncertain means or volatilities
(:func:`_transform_extended`), the ruin hazard (:func:`_apply_ruin`), the
private-asset features (:func:`_apply_private`: default losses, appraisal
smoothing, liquidity sleeve) and persistent or asset-linked inflation
(:func:`_ar1_inflation`). Assets without an extension are bit-for-bit the
plain lognormal draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from alt401k._random import (
    RngLike,
    Stream,
    as_seed_sequence,
    by_blocks,
    check_sampling,
    keyed_period_draws,
    keyed_uniforms,
    sampled_period_normals,
    seed_record,
)
from alt401k.markets.base import Draws
from alt401k.markets.lognormal import (
    _check_count,
    _check_periods_per_year,
    _shocks_to_returns,
    _shocks_to_returns_stacked,
    lognormal_params,
)
from alt401k.markets.paths import ReturnPaths
from alt401k.markets.private import (
    apply_default_losses,
    blend_liquidity,
    default_loss_shares,
    pre_default_volatility,
    smooth_returns,
)

if TYPE_CHECKING:
    from alt401k.markets.model import MarketModel

__all__ = ["NO_RUIN", "sample_paths"]

#: ``ReturnPaths.parameters["<asset>/ruin_year"]`` of a scenario never ruined
#: (or ruined later than this many years), as a float.
NO_RUIN = float(2**31 - 1)


def sample_paths(
    model: MarketModel,
    n_scenarios: int,
    n_years: int,
    periods_per_year: int = 12,
    *,
    rng: RngLike = None,
    first_scenario: int = 0,
    assets: Sequence[str] | None = None,
    sampling: str = "mc",
) -> ReturnPaths:
    """Per-period return and inflation paths of ``model``; see :meth:`MarketModel.sample`."""
    n_scenarios = _check_count("n_scenarios", n_scenarios, 1)
    n_years = _check_count("n_years", n_years, 1)
    first_scenario = _check_count("first_scenario", first_scenario, 0)
    ppy = _check_periods_per_year(periods_per_year)
    root = as_seed_sequence(rng)
    sampling = check_sampling(sampling)
    stop = first_scenario + n_scenarios
    if assets is None:
        names = model.names
    else:
        names = (assets,) if isinstance(assets, str) else tuple(assets)
        if not names:
            raise ValueError("assets must name at least one asset; got none")
    columns = [model._index(name) for name in names]
    # The assets the request needs: those asked for, then the liquid assets their sleeves
    # blend with. The others are drawn (common random numbers need the draws) but not
    # transformed: no return model, ruin or private feature runs for them.
    needed = list(dict.fromkeys(columns))
    for i in list(needed):
        if model.assets[i].liquidity_share > 0.0:
            j = model._index(model.assets[i].liquidity_asset)
            if j not in needed:
                needed.append(j)
    everything = needed == list(range(model.n_assets))
    pos = {a: k for k, a in enumerate(needed)}

    mean, factor = model.log_params(ppy)
    shocks = sampled_period_normals(
        root, Stream.ASSETS, first_scenario, stop, n_years, ppy, model.n_assets, sampling
    )
    asset_shocks = None
    if model.inflation.asset_correlation:
        rows, beta = model._inflation_loadings(ppy)
        # Standardized shocks of the named assets, before the in-place transform.
        asset_shocks = np.matmul(shocks, rows.T) @ beta
    # Standardized correlated shocks of the needed assets with their own return model.
    model_shocks = {
        a: np.matmul(shocks, factor[a]) / np.linalg.norm(factor[a])
        for a in needed
        if model.assets[a].model is not None
    }
    # Every product runs over all assets (a product over fewer output columns could round
    # differently, and paths must not depend on the request); the mean and expm1 are taken
    # only for the needed assets, written in the order of the request.
    if everything:
        work, into = shocks, None
    else:
        work = into = np.empty((*shocks.shape[:2], len(needed)))
    wanted = None if everything else np.asarray(needed, dtype=np.intp)
    parameters: dict[str, np.ndarray] = {}
    if _has_schedule_or_uncertainty(model):
        _transform_extended(
            model, shocks, root, first_scenario, stop, n_years, ppy, parameters, wanted, into
        )
    else:
        _shocks_to_returns(shocks, mean, factor, wanted, into)
    for a, eps in model_shocks.items():
        asset = model.assets[a]
        drawn = parameters.get(f"{asset.name}/expected_return")
        volatility = asset.volatility_by_year(n_years)
        if asset.default_rate > 0.0:
            # At the stated mean: a model takes one volatility per year, not per scenario.
            volatility = pre_default_volatility(
                volatility, asset.expected_return, asset.default_rate,
                asset.loss_given_default, asset.default_correlation, ppy, name=asset.name,
            )  # fmt: skip
        log_returns = asset.model.log_returns(
            eps,
            mean=asset.expected_return if drawn is None else drawn[:, None],
            volatility=volatility,
            periods_per_year=ppy,
            draws=Draws(root, first_scenario, stop, n_years, ppy, asset.name),
        )
        work[:, :, pos[a]] = np.expm1(log_returns)
    del shocks
    _apply_ruin(model, work, pos, root, first_scenario, stop, n_years, ppy, parameters)
    economic = _apply_private(
        model, work, pos, root, first_scenario, stop, n_years, ppy, parameters
    )
    if needed == columns:
        returns = work
    else:
        take = [pos[a] for a in columns]
        returns = np.ascontiguousarray(work[:, :, take])
        if economic is not None:
            economic = np.ascontiguousarray(economic[:, :, take])
    if economic is not None:
        if any(model.assets[i].smoothing > 0.0 for i in columns):
            economic.flags.writeable = False
        else:
            economic = None

    inflation = sampled_period_normals(
        root, Stream.INFLATION, first_scenario, stop, n_years, ppy, 1, sampling
    ).reshape(n_scenarios, n_years * ppy)
    if model.inflation.is_independent:
        infl_mean, infl_sd = model.inflation.log_params(ppy)
        inflation *= infl_sd
        inflation += infl_mean
    else:
        _ar1_inflation(model, inflation, asset_shocks, ppy)
    np.expm1(inflation, out=inflation)

    kept = {key: values for key, values in parameters.items() if key.split("/", 1)[0] in names}
    for values in kept.values():
        values.flags.writeable = False
    returns.flags.writeable = False
    inflation.flags.writeable = False
    return ReturnPaths(
        returns=returns,
        inflation=inflation,
        asset_names=names,
        periods_per_year=ppy,
        first_scenario=first_scenario,
        seed=seed_record(root),
        parameters=kept,
        economic_returns=economic,
    )


def _has_schedule_or_uncertainty(model: MarketModel) -> bool:
    return any(
        asset.volatility_schedule is not None
        or asset.expected_return_uncertainty is not None
        or asset.volatility_uncertainty is not None
        for asset in model.assets
    )


def _transform_extended(
    model: MarketModel,
    shocks: np.ndarray,
    root: np.random.SeedSequence,
    start: int,
    stop: int,
    n_years: int,
    ppy: int,
    parameters: dict[str, np.ndarray],
    columns: np.ndarray | None,
    out: np.ndarray | None,
) -> None:
    """Shocks to returns with per-year volatilities and per-scenario means.

    In place, or the assets ``columns`` into ``out`` (see :func:`_shocks_to_returns`).
    """
    corr = model.correlation_matrix
    base_mu = model.expected_returns
    uncertain = [
        i for i, asset in enumerate(model.assets) if asset.expected_return_uncertainty is not None
    ]
    mus: np.ndarray | None = None
    if uncertain:
        mus = np.tile(base_mu, (stop - start, 1))
        for i in uncertain:
            key = f"{model.assets[i].name}/expected_return"
            draws = by_blocks(
                _ppf_of(model.assets[i].expected_return_uncertainty, root, key), start, stop
            )
            mus[:, i] = draws
            parameters[key] = draws
    vol_scale: np.ndarray | None = None
    shaky = [i for i, asset in enumerate(model.assets) if asset.volatility_uncertainty is not None]
    if shaky:
        vol_scale = np.ones((stop - start, model.n_assets))
        for i in shaky:
            asset = model.assets[i]
            key = f"{asset.name}/volatility"
            drawn = by_blocks(_ppf_of(asset.volatility_uncertainty, root, key), start, stop)
            parameters[key] = drawn
            vol_scale[:, i] = drawn / asset.volatility if asset.volatility > 0 else drawn
        if mus is None:
            mus = np.tile(base_mu, (stop - start, 1))
    vol_by_year = np.stack([asset.volatility_by_year(n_years) for asset in model.assets], 1)
    if vol_scale is not None:
        zero = np.array(
            [a.volatility == 0.0 and a.volatility_uncertainty is not None for a in model.assets]
        )
        # An asset stated at zero volatility takes the drawn volatility itself.
        vol_by_year = np.where(zero, 1.0, vol_by_year)
    groups: dict[tuple[float, ...], list[int]] = {}
    for year in range(n_years):
        groups.setdefault(tuple(vol_by_year[year].tolist()), []).append(year)
    for vols_key, years in groups.items():
        vols = np.array(vols_key)
        if mus is None:
            vols = model._pre_loss_volatilities(vols, base_mu, ppy)
            mean, factor = lognormal_params(base_mu, vols, corr, ppy, names=model.names)
            for year in years:
                period = slice(year * ppy, (year + 1) * ppy)
                target = None if out is None else out[:, period]
                _shocks_to_returns(shocks[:, period], mean, factor, columns, target)
            continue
        means = np.empty_like(mus)
        factors = np.empty((mus.shape[0], model.n_assets, model.n_assets))
        cache: dict[tuple[float, ...], tuple[np.ndarray, np.ndarray]] = {}
        for row in range(mus.shape[0]):
            row_vols = vols if vol_scale is None else vols * vol_scale[row]
            row_vols = model._pre_loss_volatilities(row_vols, mus[row], ppy)
            mu_key = (*mus[row].tolist(), *row_vols.tolist())
            if mu_key not in cache:
                cache[mu_key] = lognormal_params(mus[row], row_vols, corr, ppy, names=model.names)
            means[row], factors[row] = cache[mu_key]
        for year in years:
            period = slice(year * ppy, (year + 1) * ppy)
            target = None if out is None else out[:, period]
            _shocks_to_returns_stacked(shocks[:, period], means, factors, columns, target)


def _apply_ruin(
    model: MarketModel,
    shocks: np.ndarray,
    pos: Mapping[int, int],
    root: np.random.SeedSequence,
    start: int,
    stop: int,
    n_years: int,
    ppy: int,
    parameters: dict[str, np.ndarray],
) -> None:
    """Overwrite returns from each scenario's ruin period on, in place.

    ``shocks[:, :, pos[i]]`` holds the returns of the model's asset ``i``.
    """
    n_periods = n_years * ppy
    for a, i in pos.items():
        asset = model.assets[a]
        if asset.ruin_hazard == 0.0:
            continue
        ruin_year = by_blocks(_ruin_years_of(asset.ruin_hazard, root, asset.name), start, stop)
        parameters[f"{asset.name}/ruin_year"] = ruin_year
        rows = np.flatnonzero(ruin_year < n_years)
        if rows.size == 0:
            continue
        first = ruin_year[rows].astype(np.int64) * ppy
        after = np.arange(n_periods)[None, :] > first[:, None]
        column = shocks[rows, :, i]
        column[after] = 0.0
        column[np.arange(rows.size), first] = -asset.ruin_loss
        shocks[rows, :, i] = column


def _apply_private(
    model: MarketModel,
    returns: np.ndarray,
    pos: Mapping[int, int],
    root: np.random.SeedSequence,
    start: int,
    stop: int,
    n_years: int,
    ppy: int,
    parameters: Mapping[str, np.ndarray],
) -> np.ndarray | None:
    """Default losses, smoothing and liquidity sleeves, in place (module ``private``).

    ``returns`` (S, T, A') becomes the reported series; its column
    ``pos[i]`` holds the model's asset ``i``. Returns the economic series
    (S, T, A') when one of those assets smooths, else None.
    ``parameters`` holds per-scenario expected returns drawn for
    uncertain assets (their appraisal rolls forward at the drawn mean).
    """
    assets = {i: model.assets[a] for a, i in pos.items()}
    if not any(asset.is_private for asset in assets.values()):
        return None
    for i, asset in assets.items():
        if asset.default_rate == 0.0:
            continue
        u = keyed_period_draws(
            root, Stream.RETURN_MODELS, f"{asset.name}/defaults", start, stop, n_years, ppy,
            uniform=True,
        )[:, :, 0]  # fmt: skip
        shares = default_loss_shares(u, asset.default_rate, ppy, asset.default_correlation)
        column = np.array(returns[:, :, i])
        apply_default_losses(column, shares, asset.loss_given_default, asset.default_rate, ppy)
        returns[:, :, i] = column
    economic = None
    if any(asset.smoothing > 0.0 for asset in assets.values()):
        economic = returns.copy()
        for i, asset in assets.items():
            if asset.smoothing > 0.0:
                drawn = parameters.get(f"{asset.name}/expected_return")
                mean = asset.expected_return if drawn is None else drawn
                drift = np.log1p(mean) / ppy
                phi = asset.smoothing_per_period(ppy)
                returns[:, :, i] = smooth_returns(economic[:, :, i], phi, drift)
    # Sleeves last, from the liquid assets' own returns (which have no sleeve).
    for i, asset in assets.items():
        if asset.liquidity_share == 0.0:
            continue
        j = pos[model._index(asset.liquidity_asset)]
        c = asset.liquidity_share
        returns[:, :, i] = blend_liquidity(returns[:, :, i], returns[:, :, j], c)
        if economic is not None:
            economic[:, :, i] = blend_liquidity(economic[:, :, i], economic[:, :, j], c)
    return economic


def _ar1_inflation(
    model: MarketModel, inflation: np.ndarray, asset_shocks: np.ndarray | None, ppy: int
) -> None:
    """Turn inflation normals (S, T) into AR(1) log inflation, in place.

    See the Notes of :class:`~alt401k.markets.inflation.InflationModel`.
    """
    spec = model.inflation
    mean, sd = spec.ar1_log_params(ppy)
    if asset_shocks is not None:
        _, beta = model._inflation_loadings(ppy)
        explained = float(beta @ np.array([rho for _, rho in spec.asset_correlation]))
        inflation *= np.sqrt(max(0.0, 1.0 - explained))
        inflation += asset_shocks
    phi = spec.persistence
    scale = np.sqrt(1.0 - phi * phi) * sd
    inflation[:, 0] *= sd
    for t in range(1, inflation.shape[1]):
        inflation[:, t] *= scale
        inflation[:, t] += phi * inflation[:, t - 1]
    inflation += mean


def _ppf_of(
    distribution: Any, root: np.random.SeedSequence, key: str
) -> Callable[[int, int], np.ndarray]:
    def compute(lo: int, hi: int) -> np.ndarray:
        u = keyed_uniforms(root, Stream.MARKET_PARAMETERS, key, lo, hi)[:, 0]
        return np.asarray(distribution.ppf(u), dtype=np.float64).reshape(hi - lo)

    return compute


def _ruin_years_of(
    hazard: float, root: np.random.SeedSequence, name: str
) -> Callable[[int, int], np.ndarray]:
    def compute(lo: int, hi: int) -> np.ndarray:
        u = keyed_uniforms(root, Stream.RUIN, name, lo, hi)[:, 0]
        if hazard >= 1.0:
            return np.zeros(hi - lo)
        # Geometric: P(year >= k) = P(1 - u <= (1 - h)^k) = (1 - h)^k.
        years = np.floor(np.log1p(-u) / np.log1p(-hazard))
        return np.minimum(years, NO_RUIN)

    return compute
