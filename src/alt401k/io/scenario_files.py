"""Scenario files: YAML and JSON, read and written, with errors that name the line.

The file format (only the fields that differ from the defaults, YAML 1.2
numbers, a population in a CSV sidecar) is described in :mod:`alt401k.io`.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from .._validation import meant_errors
from ..scenario import Scenario

__all__ = [
    "KNOBS",
    "PRESETS",
    "read_scenario",
    "scenario_from_yaml",
    "scenario_schema",
    "scenario_to_dict",
    "scenario_to_yaml",
    "write_scenario",
]


@functools.cache
def _loader() -> Any:
    """A SafeLoader that also reads ``12.5e12`` and ``1e-3`` as numbers (YAML 1.2 floats)."""
    import yaml  # type: ignore[import-untyped, unused-ignore]

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            # PyYAML keeps the last of two equal keys; a scenario file that says
            # opt_in_rate twice is a mistake to report, not a choice to make.
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key {key!r} (first on line {seen[key]}, again on line {line})",
                        key_node.start_mark,
                    )
                seen[key] = line
            return super().construct_mapping(node, deep=deep)

    Loader.yaml_implicit_resolvers = {
        key: list(value) for key, value in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    # Appended after the YAML 1.1 resolvers, so integers and 1.1 floats resolve as before.
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)$"),
        list("-+0123456789"),
    )
    return Loader


def scenario_schema() -> dict[str, Any]:
    """JSON Schema of a scenario file (``Scenario.model_json_schema()``)."""
    return Scenario.model_json_schema()


@functools.lru_cache(maxsize=1)
def _default_dump() -> dict[str, Any]:
    return Scenario().model_dump(mode="json")


def scenario_to_dict(scenario: Scenario, *, exclude_defaults: bool = True) -> dict[str, Any]:
    """A scenario as JSON-friendly data.

    Parameters
    ----------
    scenario : Scenario
    exclude_defaults : bool
        Leave out the top-level fields equal to their defaults (default).
        A field that differs is kept whole, with its ``kind`` tags, so the
        data validates back to an equal scenario. The three knobs
        (:data:`KNOBS`) are always written: a scenario file must state them.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be an alt401k Scenario; got {type(scenario).__name__}")
    data = scenario.model_dump(mode="json")
    if exclude_defaults:
        defaults = _default_dump()
        data = {
            k: v for k, v in data.items() if k in KNOBS or k not in defaults or defaults[k] != v
        }
    return data


def scenario_to_yaml(scenario: Scenario, *, exclude_defaults: bool = True) -> str:
    """A scenario as YAML text; see :func:`scenario_to_dict` for ``exclude_defaults``."""
    import yaml  # type: ignore[import-untyped, unused-ignore]

    data = scenario_to_dict(scenario, exclude_defaults=exclude_defaults)
    if not data:
        return "{}\n"
    return str(yaml.safe_dump(data, sort_keys=False, default_flow_style=False))


def scenario_from_yaml(
    text: str, *, source: str = "<yaml>", require_knobs: bool = False, base: Path | None = None
) -> Scenario:
    """Validate a scenario from YAML (or JSON) text.

    Parameters
    ----------
    text : str
    source : str
        Named in error messages (a file name).
    require_knobs : bool
        Refuse text that leaves out one of :data:`KNOBS` without ``preset:
        headline`` (as :func:`read_scenario` does for files). Default False:
        a snippet takes the defaults of what it leaves out.

    Raises
    ------
    ValueError
        On a syntax error (with its line) or an invalid field (naming the
        field and its line in the text).
    """
    import yaml  # type: ignore[import-untyped, unused-ignore]

    try:
        data = yaml.load(text, Loader=_loader())  # a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ValueError(f"{source}:{where}: not valid YAML: {problem}") from None
    if base is not None:
        data = _read_sidecars(data, base)
    return _validate(data, text, source, require_knobs=require_knobs)


#: The knobs a scenario file must state (or say ``preset: headline``): their
#: defaults are the $125B ceiling, which an empty file should not run silently.
KNOBS = ("sponsor_adoption", "opt_in_rate", "allocation_share")
#: Presets a file may name instead of the knobs.
PRESETS = ("headline",)


def _validate(data: Any, text: str, source: str, *, require_knobs: bool = True) -> Scenario:
    if data is None and require_knobs:
        raise ValueError(
            f"{source}: the scenario file is empty; state {', '.join(KNOBS)} "
            "(or write `preset: headline` for the every-plan, every-saver $125B ceiling)"
        )
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError(
            f"{source}: a scenario file must hold a mapping of field names to values; "
            f"got {type(data).__name__}"
        )
    data = dict(data)
    preset = data.pop("preset", None)
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"{source}: preset must be one of {list(PRESETS)}; got {preset!r}")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise ValueError(_describe_errors(err, text, source)) from None
    missing = [k for k in KNOBS if k not in data]
    if (
        require_knobs and preset is None and missing
    ):  # a field error above comes first: it says more
        raise ValueError(
            f"{source}: a scenario file must state {', '.join(KNOBS)}; missing: "
            f"{', '.join(missing)} (or write `preset: headline` to take the headline "
            "defaults, every plan and every saver moving 1%)"
        )
    return scenario


def _describe_errors(err: ValidationError, text: str, source: str) -> str:
    """One message naming each invalid field and its line, e.g. ``opt_in_rate (line 3)``."""
    try:
        import yaml  # type: ignore[import-untyped, unused-ignore]

        root = yaml.compose(text, Loader=_loader())
    except Exception:  # no line numbers then; the field names remain
        root = None
    seen: dict[str, str] = {}
    for error in meant_errors(err.errors()):  # the branch the mapping's `kind` names
        path, line = _locate(root, error["loc"])
        field = ".".join(str(p) for p in path) or "scenario"
        where = f"{field} (line {line})" if line is not None else field
        message = str(error["msg"]).removeprefix("Value error, ")
        seen.setdefault(where, message)
        if len(seen) == 3:
            break
    detail = "; ".join(f"{where}: {message}" for where, message in seen.items())
    return f"{source}: invalid scenario: {detail}"


def _locate(root: Any, loc: tuple[Any, ...]) -> tuple[list[Any], int | None]:
    """Follow a pydantic error location through the YAML node tree.

    Returns the part of the location that names keys and indices of the
    file (union-member labels such as ``tagged-union[...]`` skipped), and the
    1-based line of the deepest node found.
    """
    import yaml  # type: ignore[import-untyped, unused-ignore]

    path: list[Any] = []
    line = None
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if getattr(key, "value", None) == part:
                    path.append(part)
                    line = key.start_mark.line + 1
                    node = value
                    break
            else:
                tag = next(
                    (v.value for k, v in node.value if getattr(k, "value", None) == "kind"), None
                )
                if (node is root and not path) or (part != tag and not _is_label(part)):
                    path.append(part)  # a missing required field: named, its mapping's line
                continue
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                path.append(part)
                node = node.value[part]
                line = node.start_mark.line + 1
        elif root is None and isinstance(part, (str, int)) and not _is_label(part):
            path.append(part)
    return path, line


def _is_label(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"float", "int", "str", "bool"})


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise ValueError(f"duplicate key {twice[0]!r} in a JSON object")
    return dict(pairs)


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".json"}:
        raise ValueError(f"scenario file must end in .yaml, .yml or .json; got {path.name!r}")
    return suffix


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.yaml``, ``.yml`` or ``.json`` file.

    The file must state the three knobs (:data:`KNOBS`: ``sponsor_adoption``,
    ``opt_in_rate``, ``allocation_share``) or say ``preset: headline``: their
    defaults are the $125B ceiling, which an empty or forgotten file should
    not run without saying so. A key given twice is an error.

    Raises
    ------
    ValueError
        If the file is not valid YAML/JSON, repeats a key, leaves out a knob
        or a field is invalid; the message names the file, the field and its
        line.
    """
    file = Path(path)
    suffix = _suffix(file)
    text = file.read_text(encoding="utf-8")
    if suffix != ".json":
        return scenario_from_yaml(text, source=str(file), require_knobs=True, base=file.parent)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as err:
        raise ValueError(f"{file}: line {err.lineno}: not valid JSON: {err.msg}") from None
    return _validate(_read_sidecars(data, file.parent), text, str(file))


#: Header of a YAML file written by :func:`write_scenario`.
_HEADER = """\
# An alt401k scenario (alt401k.write_scenario). Fractions are 0-1 (0.01 = 1%),
# dollars are nominal. The three knobs are always written; every field left out
# takes its default (python -m alt401k schema lists them all). Run it with
# python -m alt401k run {name}
"""


def _population_sidecar(file: Path) -> Path:
    return file.with_name(f"{file.stem}.population.csv")


def write_scenario(scenario: Scenario, path: str | Path, *, exclude_defaults: bool = True) -> Path:
    """Write a scenario to a ``.yaml``, ``.yml`` or ``.json`` file; returns the path.

    A YAML file starts with a comment saying what it is. A scenario with its
    own :class:`~alt401k.Population` writes the cells to a sidecar CSV file
    next to it (``NAME.population.csv``, one row a cell) and refers to it as
    ``population: {file: NAME.population.csv, start_year: ...}``, so the
    scenario file stays short; :func:`read_scenario` reads the sidecar back.
    """
    file = Path(path)
    data = scenario_to_dict(scenario, exclude_defaults=exclude_defaults)
    if scenario.population is not None and "population" in data:
        sidecar = _population_sidecar(file)
        scenario.population.to_frame().to_csv(sidecar, index=False)
        data["population"] = {
            "file": sidecar.name,
            "start_year": scenario.population.start_year,
        }
    if _suffix(file) == ".json":
        file.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    else:
        import yaml  # type: ignore[import-untyped, unused-ignore]

        body = yaml.safe_dump(data, sort_keys=False, default_flow_style=False) if data else "{}\n"
        file.write_text(_HEADER.format(name=file.name) + body, encoding="utf-8")
    return file


def _read_sidecars(data: Any, base: Path) -> Any:
    """Replace ``population: {file: ...}`` by the cells of that CSV file (relative to ``base``)."""
    if not isinstance(data, dict):
        return data
    population = data.get("population")
    if isinstance(population, dict) and "file" in population:
        extra = set(population) - {"file", "start_year"}
        if extra:
            raise ValueError(
                f"population: a file reference takes file and start_year; got {sorted(extra)}"
            )
        sidecar = base / str(population["file"])
        if not sidecar.is_file():
            raise ValueError(f"population: file not found: {sidecar}")
        # pandas 2 parses floats to within one ulp unless asked for the exact round trip;
        # pandas 3 round-trips by default and deprecates the argument.
        if int(pd.__version__.split(".")[0]) < 3:
            cells = pd.read_csv(sidecar, float_precision="round_trip")
        else:
            cells = pd.read_csv(sidecar)
        data = dict(data)
        data["population"] = {
            "start_year": population.get("start_year", 2026),
            "cells": cells.to_dict(orient="list"),
        }
    return data
