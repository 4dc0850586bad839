"""Property tests shared by every return model: shapes, dtypes, seeding invariances."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import alt401k as ak

MODELS = {
    "lognormal": None,
    "student_t": ak.StudentT(df=4.0),
    "student_t_copula": ak.StudentT(df=5.0, copula="t"),
    "jump": ak.MertonJump(intensity=0.3, jump_mean=-0.5, jump_volatility=0.2),
    "regime": ak.RegimeSwitching(
        regimes=(("calm", 0.2, 0.4), ("crash", -0.5, 0.8)),
        transition=((0.9, 0.1), (0.5, 0.5)),
    ),
    "garch": ak.Garch(alpha=0.1, beta=0.8, df=6.0),
    "bootstrap": ak.Bootstrap(
        history=tuple(np.random.default_rng(0).normal(0.01, 0.1, 120).clip(-0.9)), block=6
    ),
}


def market(kind: str, **extra) -> ak.MarketModel:
    return ak.default_markets().replace_asset("bitcoin", model=MODELS[kind], **extra)


@settings(max_examples=12, deadline=None)
@given(
    kind=st.sampled_from(sorted(MODELS)),
    split=st.integers(1, 1_499),
    short=st.integers(1, 3),
    seed=st.integers(0, 2**31),
    smoothing=st.sampled_from([0.0, 0.4]),
)
def test_every_model_keeps_the_seeding_guarantees(kind, split, short, seed, smoothing):
    m = market(kind, smoothing=smoothing)
    names = ["bitcoin", "us_equity"]
    whole = m.sample(1_500, 4, rng=seed, assets=names)
    # Shapes and dtypes.
    assert whole.returns.shape == (1_500, 48, 2) and whole.returns.dtype == np.float64
    assert np.all(np.isfinite(whole.returns)) and np.all(whole.returns > -1.0)
    # Any chunking gives the same numbers.
    a = m.sample(split, 4, rng=seed, assets=names)
    b = m.sample(1_500 - split, 4, rng=seed, first_scenario=split, assets=names)
    np.testing.assert_array_equal(np.concatenate([a.returns, b.returns]), whole.returns)
    # A shorter horizon is a prefix.
    prefix = m.sample(1_500, short, rng=seed, assets=names)
    np.testing.assert_array_equal(prefix.returns, whole.returns[:, : short * 12])
    # Common random numbers: the other assets do not depend on bitcoin's model.
    plain = ak.default_markets().sample(1_500, 4, rng=seed, assets=["us_equity"])
    np.testing.assert_array_equal(whole.returns[:, :, 1], plain.returns[:, :, 0])
