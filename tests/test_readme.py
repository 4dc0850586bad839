"""The README's short tour and the documentation's full tour run as written (with smaller
scenario counts), so they stay true."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TOUR = ROOT / "docs" / "getting-started.md"
SCALING_OUT = ROOT / "docs" / "guides" / "scaling-out.md"


def _python_blocks(path: Path) -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    assert blocks, f"{path.name} has no python block"
    return blocks


def _small(code: str) -> str:
    return re.sub(r"n_scenarios=[\d_]+", "n_scenarios=60", code)


def test_readme_short_tour_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(_small("\n".join(_python_blocks(README))), "README.md", "exec"), namespace)
    out = namespace["out"]
    assert abs(out.headline_reallocation - 125e9) < 0.01  # type: ignore[attr-defined]
    context = namespace["r"].market_context()  # type: ignore[attr-defined]
    assert context.index.name == "year" and "price_impact_p50" in context.columns


def test_docs_tour_runs(tmp_path, monkeypatch):
    """The full tour of docs/getting-started.md (formerly the README's)."""
    monkeypatch.chdir(tmp_path)  # the tour saves a run and writes a scenario file
    code = _small(_python_blocks(TOUR)[0])
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/getting-started.md", "exec"), namespace)
    out = namespace["out"]
    assert abs(out.headline_reallocation - 125e9) < 0.01  # type: ignore[attr-defined]
    assert "holders" in namespace["r"].outcomes().index  # type: ignore[attr-defined]


def test_scaling_out_runs() -> None:
    """The "Scaling out" guide's example, on a Dask cluster of two workers, at a small size."""
    import numpy as np
    import pytest

    pytest.importorskip("distributed")
    (code,) = [block for block in _python_blocks(SCALING_OUT) if "executor=client" in block]
    code = code.replace("1_000_000", "2_000").replace("20_000", "2_000")
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/guides/scaling-out.md", "exec"), namespace)
    out, same = namespace["out"], namespace["same"]
    assert out.n_scenarios == 2_000  # type: ignore[attr-defined]
    assert np.array_equal(
        out.stats.max("holdings"),  # type: ignore[attr-defined]
        same.holdings.max(axis=0),  # type: ignore[attr-defined]
    )
