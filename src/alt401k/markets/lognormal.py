"""The correlated lognormal transform: annual moments to per-period log parameters.

Array functions behind :class:`~alt401k.markets.model.MarketModel`:
:func:`lognormal_params` (annual means, volatilities and correlations to the
per-period log mean and covariance factor) and the in-place shock transforms
that turn standard normals into simple returns, chunked so that a row's
arithmetic never depends on how many scenarios are in the call.

Notes
-----
-----
Per-period log returns are iid multivariate normal,
``X_t ~ N(m, L L')``, and the simple return is ``r_t = exp(X_t) - 1``. With
``n`` periods per year, ``mu_i`` the arithmetic annual mean and ``sigma_i`` the
annual standard deviation of simple returns, and ``v_i = sigma_i / (1 + mu_i)``:

.. math::

    s_i^2 = \\ln(1 + v_i^2) / n, \\qquad
    m_i = \\ln(1 + \\mu_i) / n - s_i^2 / 2,

    \\rho^{\\log}_{ij} = \\frac{\\ln(1 + \\rho_{ij} v_i v_j)}
                              {\\sqrt{\\ln(1 + v_i^2)\\,\\ln(1 + v_j^2)}} .

Then the annual gross return ``G_i = prod_{t in year} (1 + r_{t,i})`` is
lognormal with ``E[G_i] = 1 + mu_i``, ``Std[G_i] = sigma_i`` and
``corr(G_i, G_j) = rho_ij`` exactly, for any ``n``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["lognormal_params"]

#: Tolerance for "exactly" symmetric / unit-diagonal correlation entries.
_ENTRY_TOL = 1e-12
#: Smallest eigenvalue still accepted as positive semi-definite.
_PSD_TOL = 1e-10
#: Largest number of periods per year accepted (daily).
_MAX_PERIODS_PER_YEAR = 366
#: Elements per chunk of the shock transform (512 KiB of float64: stays in cache).
_CHUNK_ELEMENTS = 2**16


def lognormal_params(
    expected_returns: Sequence[float] | np.ndarray,
    volatilities: Sequence[float] | np.ndarray,
    correlation: Sequence[Sequence[float]] | np.ndarray,
    periods_per_year: int = 12,
    *,
    names: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-period log-return mean and covariance factor matching annual moments.

    Parameters
    ----------
    expected_returns : array_like, shape (A,)
        Arithmetic annual mean of simple returns, fraction, each > -1.
    volatilities : array_like, shape (A,)
        Annual standard deviation of simple returns, fraction, each >= 0.
    correlation : array_like, shape (A, A)
        Correlation of annual simple returns (symmetric, unit diagonal).
    periods_per_year : int
        Periods per year ``n``.
    names : sequence of str, optional
        Asset names, used in error messages only.

    Returns
    -------
    m : ndarray, shape (A,)
        Per-period mean of log returns (log-units per period).
    L : ndarray, shape (A, A)
        Factor of the per-period log-return covariance, ``L @ L.T = Cov``.
        Lower-triangular (Cholesky) unless the log correlation is singular
        (smallest eigenvalue <= 1e-10), in which case it is an
        eigen-decomposition factor. Rows and columns of
        zero-volatility assets are exactly zero.

    Raises
    ------
    ValueError
        If the implied log-return correlation is not positive semi-definite,
        or a correlation is unattainable (``1 + rho_ij v_i v_j <= 0``).

    Notes
    -----
    See the module Notes: ``s_i^2 = ln(1 + v_i^2)/n``,
    ``m_i = ln(1 + mu_i)/n - s_i^2/2``, ``Cov_ij = ln(1 + rho_ij v_i v_j)/n``
    with ``v_i = sigma_i / (1 + mu_i)``.
    """
    mu = np.asarray(expected_returns, dtype=np.float64)
    sigma = np.asarray(volatilities, dtype=np.float64)
    rho = np.asarray(correlation, dtype=np.float64)
    n_assets = mu.shape[0]
    labels = list(names) if names is not None else [str(i) for i in range(n_assets)]
    n = float(periods_per_year)

    v = sigma / (1.0 + mu)
    annual_log_var = np.log1p(v * v)
    m = np.log1p(mu) / n - annual_log_var / (2.0 * n)
    factor = np.zeros((n_assets, n_assets))

    # A volatility so small that v**2 underflows is deterministic, like zero.
    risky = np.flatnonzero(annual_log_var > 0.0)
    if risky.size == 0:
        return m, factor
    block = np.ix_(risky, risky)
    v_r = v[risky]
    product = rho[block] * np.outer(v_r, v_r)
    np.fill_diagonal(product, v_r * v_r)
    if np.any(product <= -1.0):
        i, j = (int(k) for k in np.argwhere(product <= -1.0)[0])
        a, b = int(risky[i]), int(risky[j])
        raise ValueError(
            f"correlation[{a}][{b}]={rho[a, b]} between {labels[a]!r} and {labels[b]!r} "
            "cannot be reached by lognormal annual returns with these volatilities; "
            f"it must be > {-1.0 / (v[a] * v[b]):.6g}"
        )
    annual_log_cov = np.log1p(product)
    log_sd = np.sqrt(annual_log_var[risky])
    log_corr = annual_log_cov / np.outer(log_sd, log_sd)
    eigenvalues, eigenvectors = np.linalg.eigh(log_corr)
    smallest = float(eigenvalues[0])
    if smallest < -_PSD_TOL:
        raise ValueError(
            "the log-return correlation implied by correlation and the volatilities is not "
            f"positive semi-definite (smallest eigenvalue {smallest:.6g} < -{_PSD_TOL:g}); "
            "lognormal returns cannot have these correlations: lower the correlations "
            "between high-volatility assets"
        )
    period_log_sd = log_sd / np.sqrt(n)
    if smallest > _PSD_TOL:
        sub_factor = np.linalg.cholesky(annual_log_cov / n)
    else:
        # Singular (to tolerance) but PSD, e.g. identical assets with correlation 1.
        # Cholesky would either fail or turn rounding noise into sqrt(eps)-sized
        # loadings; eigenvalues within the PSD tolerance of zero are set to zero.
        kept = np.where(eigenvalues > _PSD_TOL, eigenvalues, 0.0)
        sub_factor = period_log_sd[:, None] * (eigenvectors * np.sqrt(kept))
    factor[block] = sub_factor
    return m, factor


def _check_count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def _check_periods_per_year(value: object) -> int:
    if (
        isinstance(value, (int, np.integer))
        and not isinstance(value, bool)
        and 1 <= value <= _MAX_PERIODS_PER_YEAR
    ):
        return int(value)
    raise ValueError(
        f"periods_per_year must be an integer in [1, {_MAX_PERIODS_PER_YEAR}] "
        f"(1 annual, 4 quarterly, 12 monthly, 26 biweekly, 52 weekly); got {value!r}"
    )


def _shocks_to_returns(
    shocks: np.ndarray,
    mean: np.ndarray,
    factor: np.ndarray,
    columns: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> None:
    """Turn standard normals (S, T, A) into simple returns, in place or into ``out``.

    ``shocks[s, t] <- expm1(mean + factor @ shocks[s, t])``. The matmul is
    stacked over scenarios, so numpy makes one (T, A) x (A, A) product per
    scenario: the arithmetic of a row never depends on how many scenarios
    are in the call, which keeps chunked runs bit-identical. With
    ``columns`` (indices into A) and ``out`` (S, T, len(columns)), only those
    assets' returns are written, to ``out``, and ``shocks`` is left as it
    is: the product is still the full one, so each value is bit-for-bit the
    one the in-place form gives, and the mean and ``expm1`` are not spent on
    assets nobody asked for.
    """
    _transform(shocks, mean, factor.T, columns, out, stacked=False)


def _shocks_to_returns_stacked(
    shocks: np.ndarray,
    means: np.ndarray,
    factors: np.ndarray,
    columns: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> None:
    """Like :func:`_shocks_to_returns` with one ``(mean, factor)`` per scenario.

    ``shocks`` (S, T', A) is changed in place (or ``out`` written); ``means``
    is (S, A) and ``factors`` (S, A, A). Each scenario's product is its own
    (T', A) x (A, A) matmul, so chunking never changes the bits.
    """
    _transform(shocks, means, factors.transpose(0, 2, 1), columns, out, stacked=True)


def _transform(
    shocks: np.ndarray,
    mean: np.ndarray,
    factor_t: np.ndarray,
    columns: np.ndarray | None,
    out: np.ndarray | None,
    *,
    stacked: bool,
) -> None:
    """The loop of :func:`_shocks_to_returns` and its stacked form, by blocks of rows."""
    n_scenarios, n_periods, n_assets = shocks.shape
    if n_scenarios == 0:
        return
    rows = max(1, _CHUNK_ELEMENTS // (n_periods * n_assets))
    buffer = np.empty((min(rows, n_scenarios), n_periods, n_assets))
    width = n_assets if columns is None else len(columns)
    scratch = buffer if columns is None else np.empty((buffer.shape[0], n_periods, width))
    for lo in range(0, n_scenarios, rows):
        hi = min(lo + rows, n_scenarios)
        product = buffer[: hi - lo]
        np.matmul(shocks[lo:hi], factor_t[lo:hi] if stacked else factor_t, out=product)
        m = mean[lo:hi, None, :] if stacked else mean
        target = shocks[lo:hi] if out is None else out[lo:hi]
        # expm1 runs on a C-contiguous block: over a strided view (a year of a longer run)
        # numpy 1.25 on AVX-512 rounds the last bit by the view's address. A contiguous
        # target is written in place; a strided one through a contiguous scratch block.
        result = target if target.flags.c_contiguous else scratch[: hi - lo]
        if columns is None:
            np.add(product, m, out=result)
        else:
            np.add(product[:, :, columns], m[..., columns], out=result)
        np.expm1(result, out=result)
        if result is not target:
            target[...] = result
