"""Run every example and write its printed output into a page of the documentation.

The examples take seconds to minutes at the sizes they document, too slow for a
documentation build in CI, so their output is rendered here, once, and the pages
under ``docs/examples/`` are committed; ``mkdocs build`` only reads them.

Run from the repository root after an example or the library's numbers change::

    PYTHONPATH=src python docs/render_examples.py            # every example
    PYTHONPATH=src python docs/render_examples.py quickstart  # only the ones named

Each example runs with the arguments listed in ``EXAMPLES`` (their own defaults,
except that figures already committed under ``docs/`` are not redrawn), in a
subprocess from the repository root, and its page states the exact command, the
machine's Python and library versions and the time it took.
"""

from __future__ import annotations

import ast
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "docs" / "examples"

# script: (arguments, figure under docs/ shown on the page, or None). The arguments keep
# each example at its documented defaults; those that draw a committed figure print only
# (the figure is redrawn on purpose, by running the example without --no-plot).
EXAMPLES: dict[str, tuple[list[str], str | None]] = {
    "quickstart.py": ([], None),
    "pool_inflows.py": ([], None),
    "participant_sleeve.py": ([], None),
    "retirement_income.py": ([], None),
    "roth_vs_traditional.py": ([], None),
    "plan_designs.py": ([], None),
    "crypto_models.py": ([], None),
    "pool_calibration.py": ([], None),
    "published_estimates.py": ([], None),
    "market_context.py": (["--no-plot"], "market_context.png"),
    "tdf_backcast.py": (["--no-plot"], "tdf_backcast.png"),
    "large_runs.py": ([], None),
    "make_readme_figure.py": (["--out", "{tmp}/flows.png"], "flows.png"),
}


def docstring(script: Path) -> str:
    """The example's module docstring, without its ``Run:`` lines."""
    text = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    kept = []
    for paragraph in text.split("\n\n"):
        if paragraph.lstrip().startswith("Run:"):
            continue
        kept.append(paragraph)
    return "\n\n".join(kept).strip()


def render(script: str, argv: list[str], figure: str | None) -> str:
    """Run one example and return its page."""
    path = ROOT / "examples" / script
    with tempfile.TemporaryDirectory() as tmp:
        args = [a.replace("{tmp}", tmp) for a in argv]
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), MPLBACKEND="Agg")
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(path), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        stdout = done.stdout.replace(tmp, "<temporary folder>")
    if done.returncode != 0:
        raise SystemExit(f"{script} failed ({done.returncode}):\n{done.stderr}")
    shown = " ".join(a for a in argv if "{tmp}" not in a and a != "--out")
    command = f"python examples/{script}" + (f" {shown}" if shown else "")
    import numpy

    import alt401k

    title, _, body = docstring(path).partition("\n")
    lines = [
        f"# {script}",
        "",
        f"**{title.strip()}**",
        "",
        *([body.strip(), ""] if body.strip() else []),
        f"Source: `examples/{script}`. Run from the repository root:",
        "",
        "```bash",
        command,
        "```",
        "",
    ]
    if figure:
        lines += [f"![{script}](../{figure})", ""]
    output = stdout.rstrip() or "(no printed output)"
    lines += [
        "Output:",
        "",
        "```text",
        output,
        "```",
        "",
        f"*Rendered by `docs/render_examples.py`: alt401k {alt401k.__version__}, "
        f"numpy {numpy.__version__}, Python {platform.python_version()}, "
        f"{seconds:.0f} s on {os.cpu_count()} cores.*",
        "",
    ]
    return "\n".join(lines)


def index() -> str:
    """The examples' overview page."""
    lines = [
        "# Examples",
        "",
        "Each script in `examples/` runs from the repository root (`python examples/NAME.py`, "
        "`--help` lists its options) and prints its answer. The pages below show the output "
        "at each script's documented defaults; the test suite runs every example at small "
        "sizes (`tests/test_examples.py`), and `docs/render_examples.py` renders these pages "
        "again after the numbers change.",
        "",
        "| example | what it shows |",
        "| --- | --- |",
    ]
    for script in EXAMPLES:
        title = docstring(ROOT / "examples" / script).partition("\n")[0].strip()
        lines.append(f"| [`{script}`]({script.removesuffix('.py')}.md) | {title} |")
    lines += [
        "",
        "`examples/tour.ipynb` is a notebook tour of the library (run by "
        "`tests/test_notebook.py`); `examples/scenarios/` holds the scenario files "
        "(see [Scenario files and the command line](../guides/cli.md)).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    PAGES.mkdir(parents=True, exist_ok=True)
    wanted = [a if a.endswith(".py") else f"{a}.py" for a in argv] or list(EXAMPLES)
    unknown = set(wanted) - set(EXAMPLES)
    if unknown:
        raise SystemExit(f"unknown examples: {sorted(unknown)}; known: {sorted(EXAMPLES)}")
    for script in wanted:
        args, figure = EXAMPLES[script]
        print(f"rendering {script} ...", flush=True)
        page = render(script, args, figure)
        (PAGES / f"{script.removesuffix('.py')}.md").write_text(page, encoding="utf-8")
    (PAGES / "index.md").write_text(index(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
