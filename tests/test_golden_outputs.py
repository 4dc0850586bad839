"""Seeded outputs that a reorganisation must not change (issue 19).

A fixed set of small seeded runs -- a saver, a pool, a sweep, a retirement,
and ``MarketModel.sample`` for every return model -- each reduced to a
sha256 of its arrays' bytes, compared with ``tests/data/golden_outputs.json``.
That file records the outputs of commit 5f8bba0 (before the modules were
moved and split); it is data, not a snapshot to refresh: never regenerate it
to make a refactoring pass. A change that is *meant* to move the numbers
(a new model, a fixed bug) says so in its commit and updates the file then:
once so far, after the reorganisation, when the regime model's per-period
transition matrix was rounded to 1e-13 so that every process computes the
same one (the file's ``note`` lists the cases that moved).

The digests differ between numpy families (numpy 2's SIMD ``exp``/``log``
differ from numpy 1.25's in the last bits, so about two thirds of the
lognormal returns differ by an ulp), so they are stored keyed by numpy
family: ``"numpy>=2"`` (written by the latest interpreter) and ``"numpy<2"``
(written by the floors: numpy 1.25, pandas 2.1, scipy 1.11, pydantic 2.8).
Both were written on the same x86-64 machine; a CPU with other SIMD
extensions could differ in the last bits too.

Run ``python tests/test_golden_outputs.py`` to print the current digests
(to inspect a difference, not to overwrite the file).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alt401k as ak

DATA = Path(__file__).parent / "data" / "golden_outputs.json"


def _digest(arrays: Iterable[object]) -> str:
    """sha256 of the float64 bytes of each array (and of each DataFrame's columns)."""
    h = hashlib.sha256()
    for x in arrays:
        if isinstance(x, pd.DataFrame):
            for name in x.columns:
                h.update(str(name).encode())
                col = x[name]
                if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
                    h.update(np.ascontiguousarray(col.to_numpy(), dtype=np.float64).tobytes())
                else:
                    h.update("\x1f".join(map(str, col.tolist())).encode())
        elif x is None:
            h.update(b"None")
        else:
            h.update(np.ascontiguousarray(x, dtype=np.float64).tobytes())
    return h.hexdigest()


SAVER = dict(
    age=50, salary=90_000, balance=120_000, deferral_rate=0.08, roth_fraction=0.25,
    retirement_age=60,
)  # fmt: skip
PORTFOLIO = dict(weights={"us_equity": 0.6, "us_bonds": 0.4}, alt_sleeve={"bitcoin": 0.03})
POOL = dict(
    sponsor_adoption=0.3, opt_in_rate=0.4, allocation_share=0.02, asset="bitcoin",
    horizon_years=4,
)  # fmt: skip


def _saver() -> list[object]:
    res = ak.simulate_participant(
        ak.Participant(**SAVER), ak.PlanDesign(), ak.Portfolio(**PORTFOLIO),
        markets=ak.default_markets(), n_scenarios=40, rng=11,
    )  # fmt: skip
    return [res.terminal_balance, res.balance_end, res.fees, res.ledger(), res.summary()]


def _retirement() -> list[object]:
    res = ak.simulate_participant(
        ak.Participant(**SAVER), ak.PlanDesign(), ak.Portfolio(**PORTFOLIO),
        markets=ak.default_markets(), n_scenarios=30, rng=12,
        retirement=ak.Retirement(end_age=75, social_security=20_000),
    )  # fmt: skip
    return [res.balance_end, res.terminal_balance, res.retirement_summary()]


def _pool() -> list[object]:
    out = ak.Scenario(**POOL).run(n_scenarios=30, rng=13)  # type: ignore[arg-type]
    return [out.flows(), out.summary()]


def _sweep() -> list[object]:
    base = ak.Scenario(**POOL)  # type: ignore[arg-type]
    return [ak.sweep(base, opt_in_rate=[0.2, 0.5], allocation_share=[0.01], n_scenarios=20, rng=14)]


def _history() -> tuple[float, ...]:
    return tuple(np.random.default_rng(0).normal(0.01, 0.1, 120).clip(-0.9))


def _models() -> dict[str, ak.MarketModel]:
    plain = ak.default_markets("lognormal")
    models: dict[str, object] = {
        "student_t": ak.StudentT(df=4.0),
        "student_t_copula": ak.StudentT(df=5.0, copula="t"),
        "jumps": ak.MertonJump(intensity=0.3, jump_mean=-0.5, jump_volatility=0.2),
        "regimes": ak.RegimeSwitching(
            regimes=(("calm", 0.2, 0.4), ("crash", -0.5, 0.8)),
            transition=((0.9, 0.1), (0.5, 0.5)),
        ),
        "garch": ak.Garch(alpha=0.1, beta=0.8, df=6.0),
        "bootstrap": ak.Bootstrap(history=_history(), block=6),
    }
    out = {"lognormal": plain}
    out.update({k: plain.replace_asset("bitcoin", model=m) for k, m in models.items()})
    out["default"] = ak.default_markets()  # realistic crypto, smoothed private assets
    out["crypto_uncertain"] = ak.default_markets("crypto_uncertain")  # uncertain mean, ruin
    out["private_defaults"] = plain.replace_asset(
        "private_credit", smoothing=0.5, smoothing_periods_per_year=4, default_rate=0.02,
        liquidity_share=0.1, liquidity_asset="cash",
    )  # fmt: skip
    out["ruin"] = plain.replace_asset(
        "bitcoin", ruin_hazard=0.05, volatility_schedule=((0, 0.6), (2, 0.4)),
        volatility_uncertainty=ak.Uniform(low=0.3, high=0.7),
    )  # fmt: skip
    out["ar1_inflation"] = plain.replace_inflation(
        persistence=0.6, asset_correlation=(("us_bonds", -0.3),)
    )
    return out


def _sample(name: str, sampling: str = "mc") -> Callable[[], list[object]]:
    def run() -> list[object]:
        paths = _models()[name].sample(24, 3, rng=21, sampling=sampling)
        params = [paths.parameters[k] for k in sorted(paths.parameters)]
        return [paths.returns, paths.inflation, paths.economic_returns, *params]

    return run


SAMPLED = (
    "lognormal", "student_t", "student_t_copula", "jumps", "regimes", "garch", "bootstrap",
    "default", "crypto_uncertain", "private_defaults", "ruin", "ar1_inflation",
)  # fmt: skip

CASES: dict[str, Callable[[], list[object]]] = {
    "saver": _saver,
    "retirement": _retirement,
    "pool": _pool,
    "sweep": _sweep,
    **{f"sample/{name}": _sample(name) for name in SAMPLED},
    "sample/default/antithetic": _sample("default", "antithetic"),
    "sample/default/qmc": _sample("default", "qmc"),
}


def _family() -> str:
    return "numpy<2" if int(np.__version__.split(".")[0]) < 2 else "numpy>=2"


def _expected() -> dict[str, str]:
    stored = json.loads(DATA.read_text())
    digests = stored["digests"]
    if _family() in digests:  # keyed by numpy family only if the families disagree
        return dict(digests[_family()])
    return dict(digests)


@pytest.mark.parametrize("case", sorted(CASES))
def test_seeded_outputs_are_unchanged(case: str) -> None:
    assert _digest(CASES[case]()) == _expected()[case], case


def test_every_case_is_recorded() -> None:
    assert sorted(_expected()) == sorted(CASES)


if __name__ == "__main__":
    print(json.dumps({k: _digest(CASES[k]()) for k in sorted(CASES)}, indent=1))
