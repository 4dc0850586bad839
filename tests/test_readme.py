"""The README's tour runs as written (with smaller scenario counts), so it stays true."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tour_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the tour saves a run and writes a scenario file
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README has no python block"
    code = re.sub(r"n_scenarios=[\d_]+", "n_scenarios=60", blocks[0])
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    out = namespace["out"]
    assert abs(out.headline_reallocation - 125e9) < 0.01  # type: ignore[attr-defined]
    assert "holders" in namespace["r"].outcomes().index  # type: ignore[attr-defined]


def test_readme_scaling_out_runs() -> None:
    """The "Scaling out" example, on a Dask cluster of two workers, at a small size."""
    import numpy as np
    import pytest

    pytest.importorskip("distributed")
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (code,) = [block for block in blocks if "executor=client" in block]
    code = code.replace("1_000_000", "2_000").replace("20_000", "2_000")
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    out, same = namespace["out"], namespace["same"]
    assert out.n_scenarios == 2_000  # type: ignore[attr-defined]
    assert np.array_equal(
        out.stats.max("holdings"),  # type: ignore[attr-defined]
        same.holdings.max(axis=0),  # type: ignore[attr-defined]
    )
