"""The documentation covers the public API, its links resolve, and its guides' code runs."""

import importlib.util
import re
from pathlib import Path

import pytest

import alt401k

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _documented_names() -> set[str]:
    """Names in ``::: alt401k.<name>`` directives or in a directive's ``members`` list."""
    names: set[str] = set()
    for page in (DOCS / "api").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        names |= set(re.findall(r"^::: alt401k\.(\w+)\s*$", text, re.M))
        for block in re.findall(r"members:\s*\n((?:\s+- .+\n)+)", text):
            names |= set(re.findall(r"- (\w+)", block))
        for inline in re.findall(r"members:\s*\[([^\]]*)\]", text):
            names |= {n.strip(" '\"") for n in inline.split(",") if n.strip()}
    return names


def test_api_reference_covers_every_public_name():
    missing = sorted(set(alt401k.__all__) - _documented_names())
    assert not missing, f"not in docs/api/*.md (run docs/render_api.py): {missing}"


def test_api_pages_are_up_to_date():
    spec = importlib.util.spec_from_file_location("render_api", DOCS / "render_api.py")
    assert spec is not None and spec.loader is not None
    render_api = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_api)
    render_api.check(list(alt401k.__all__))
    for name, text in render_api.pages().items():
        page = DOCS / "api" / name
        assert page.read_text(encoding="utf-8") == text, f"rerun docs/render_api.py: {name}"


def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_existing_files(path: Path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # links inside code are code
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # absolute URLs and anchors on the same page
        file = target.split("#")[0]
        if not (path.parent / file).exists():
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)}: links to missing files {broken}"


def test_every_example_has_a_rendered_page():
    pages = {p.stem for p in (DOCS / "examples").glob("*.md")} - {"index"}
    scripts = {p.stem for p in (ROOT / "examples").glob("*.py")}
    assert pages == scripts, "run docs/render_examples.py for the examples listed"


def test_every_page_is_in_the_navigation():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    missing = sorted(p for p in pages if f" {p}" not in nav)
    assert not missing, f"pages not in mkdocs.yml's nav: {missing}"


GUIDES = ["saver.md", "pool.md", "tax.md", "plan-rules.md", "monte-carlo-error.md"]


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_code_runs(guide, tmp_path, monkeypatch):
    """Each guide's python blocks, in order in one namespace, at small sizes."""
    monkeypatch.chdir(tmp_path)  # the pool guide saves a run and writes a scenario file
    path = DOCS / "guides" / guide
    blocks = re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    assert blocks, f"{guide} has no python block"
    code = re.sub(r"n_scenarios=[\d_]+", "n_scenarios=60", "\n".join(blocks))
    code = code.replace('"terminal_balance_p50": 0.02', '"terminal_balance_p50": 0.5')
    exec(compile(code, f"docs/guides/{guide}", "exec"), {})
