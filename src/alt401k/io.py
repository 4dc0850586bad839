"""Saving results, rerunning them, and scenario files (YAML and JSON).

Results
-------
:func:`save` writes a result to a directory:

``spec.json``
    The full specification: for a :class:`~alt401k.PoolResults` the
    scenario (``Scenario.model_dump(mode="json")``: the market model, the
    segments and every option); for a :class:`~alt401k.ParticipantResults`
    the participant, plan, portfolio, retirement, leakage (and the market
    model, pay path and indexing rate when the result holds them, else
    ``null``). Also ``n_scenarios``, ``periods_per_year``, the root ``seed``
    (``entropy``, ``spawn_key``), ``result_type``, ``format_version``,
    ``library_version`` and ``fields``, how each attribute of the result is
    stored.
``arrays.npz``
    Every array of the result, compressed: an attribute ``x`` as ``x``, an
    entry ``k`` of a dict attribute as ``x/k``, an array ``a`` of a nested
    dataclass (contributions, retirement paths) as ``x.a``, a table's
    column ``c`` as ``x/c``. No pickles: ``numpy.load(allow_pickle=False)``
    reads it.
``flows.parquet``, ``summary.parquet`` (pool); ``ledger.parquet``, ``summary.parquet`` (participant)
    Tidy tables for other tools, written only when ``pyarrow`` is
    importable (silently skipped otherwise); :func:`load` never reads them.

:func:`load` rebuilds an equal result object from ``spec.json`` and
``arrays.npz``; :func:`rerun` simulates it again from the saved
specification and seed, which reproduces every array bit for bit.

Scenario files
--------------
:func:`scenario_to_yaml` / :func:`scenario_from_yaml`, :func:`read_scenario`
/ :func:`write_scenario` (``.yaml``, ``.yml`` or ``.json`` by suffix). By
default a file holds only the top-level fields that differ from the
defaults (a field that differs is written in full, with every nested
value and its ``kind`` tag), so a file stays short and says what the
scenario changes; ``exclude_defaults=False`` writes everything. Numbers
such as ``12.5e12`` or ``1e-3`` read as numbers (YAML 1.2 style), not as
strings. A bad file raises :class:`ValueError` naming the field and the
line of the file where it is.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
import json
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from ._validation import meant_errors
from ._version import __version__
from ._warnings import Alt401kWarning
from .contributions import AnnualContributions
from .results import ParticipantResults, PoolResults, needs_paths_hint
from .results import _files as _result_files
from .retirement import RetirementPaths
from .scenario import Scenario

__all__ = [
    "FORMAT_VERSION",
    "load",
    "read_scenario",
    "rerun",
    "save",
    "scenario_from_yaml",
    "scenario_schema",
    "scenario_to_dict",
    "scenario_to_yaml",
    "write_scenario",
]

#: Version of the saved-result layout; :func:`load` refuses newer ones.
FORMAT_VERSION = 1

_RESULT_TYPES: dict[str, type] = {
    "PoolResults": PoolResults,
    "ParticipantResults": ParticipantResults,
}
_NESTED: dict[str, type] = {
    "AnnualContributions": AnnualContributions,
    "RetirementPaths": RetirementPaths,
}
#: Inputs of :func:`alt401k.simulate_participant` a ParticipantResults may not hold,
#: and the value a rerun assumes then.
_PARTICIPANT_INPUTS = ("markets", "indexing_rate", "pay")


def _library_version() -> str:
    return str(__version__)


# --------------------------------------------------------------------------- results


def save(result: PoolResults | ParticipantResults, path: str | Path) -> Path:
    """Write a result to the directory ``path`` (created if needed).

    Parameters
    ----------
    result : PoolResults or ParticipantResults
    path : str or Path
        Directory; files already in it with the same names are replaced.

    Returns
    -------
    Path
        The directory.

    Notes
    -----
    The layout is described in :mod:`alt401k.io`. A
    :class:`~alt401k.ParticipantResults` that does not hold the market
    model, pay path or indexing rate it was simulated with stores ``null``
    for them (listed under ``"assumed_on_rerun"``); :func:`rerun` then
    assumes the defaults of :func:`alt401k.simulate_participant` and warns.
    """
    kind = type(result).__name__
    if kind not in _RESULT_TYPES:
        raise TypeError(
            "result must be a PoolResults or a ParticipantResults; "
            f"got {type(result).__name__}{needs_paths_hint(result)}"
        )
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    spec: dict[str, Any] = {
        "format": "alt401k-result",
        "format_version": FORMAT_VERSION,
        "library_version": _library_version(),
        "result_type": kind,
        "n_scenarios": result.n_scenarios,
        "periods_per_year": int(result.periods_per_year),
        "seed": {
            "entropy": result.seed.entropy,
            "spawn_key": [int(k) for k in result.seed.spawn_key],
        },
    }
    arrays: dict[str, np.ndarray] = {}
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(result):
        fields[field.name] = _store(field.name, getattr(result, field.name), spec, arrays)
    spec["fields"] = fields
    if isinstance(result, ParticipantResults):
        missing = [name for name in _PARTICIPANT_INPUTS if name not in fields]
        for name in missing:
            spec[name] = None
        spec["assumed_on_rerun"] = missing
    (out / "spec.json").write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    np.savez_compressed(out / "arrays.npz", **arrays)  # type: ignore[arg-type]
    _write_tables(result, out)
    return out


def _store(name: str, value: Any, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    """Record one attribute; return how it is stored (the ``fields`` entry)."""
    if value is None:
        return {"kind": "none"}
    if isinstance(value, np.random.SeedSequence):
        return {"kind": "seed"}
    if isinstance(value, BaseModel):
        spec[name] = value.model_dump(mode="json")
        cls = type(value)
        return {"kind": "spec", "class": f"{cls.__module__}:{cls.__qualname__}"}
    if isinstance(value, np.ndarray):
        arrays[name] = value
        return {"kind": "array"}
    if isinstance(value, pd.DataFrame):
        columns = [str(c) for c in value.columns]
        dtypes: dict[str, str] = {}
        categories: dict[str, list[Any]] = {}
        for column in columns:
            series = value[column]
            dtypes[column] = str(series.dtype)
            if isinstance(series.dtype, pd.CategoricalDtype):
                categories[column] = series.cat.categories.tolist()
                data = series.astype(object).to_numpy()
            else:
                data = series.to_numpy()
            if data.dtype == object:
                data = np.asarray([str(v) for v in data])
            arrays[f"{name}/{column}"] = data
        if not isinstance(value.index, pd.RangeIndex):
            arrays[f"{name}/__index__"] = value.index.to_numpy()
        return {"kind": "frame", "columns": columns, "dtypes": dtypes, "categories": categories}
    if isinstance(value, Mapping):
        for key, item in value.items():
            arrays[f"{name}/{key}"] = np.asarray(item)
        return {"kind": "dict", "keys": [str(k) for k in value]}
    if dataclasses.is_dataclass(value) and type(value).__name__ in _NESTED:
        parts = []
        for sub in dataclasses.fields(value):
            arrays[f"{name}.{sub.name}"] = np.asarray(getattr(value, sub.name))
            parts.append(sub.name)
        return {"kind": "dataclass", "class": type(value).__name__, "fields": parts}
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        spec[name] = list(value)
        return {"kind": "tuple"}
    if isinstance(value, (bool, int, float, str, np.integer, np.floating)):
        spec[name] = value.item() if isinstance(value, np.generic) else value
        return {"kind": "value"}
    raise TypeError(f"cannot save attribute {name!r} of type {type(value).__name__}")


def _write_tables(result: PoolResults | ParticipantResults, out: Path) -> None:
    if importlib.util.find_spec("pyarrow") is None:
        return  # Parquet tables are an extra; the result is complete without them
    tables: dict[str, pd.DataFrame] = {"summary": result.summary()}
    if isinstance(result, PoolResults):
        tables["flows"] = result.flows()
    else:
        tables["ledger"] = result.ledger()
    for name, frame in tables.items():
        frame = frame.copy()
        frame.attrs = {}  # attrs need not be JSON-friendly; Parquet stores them as JSON
        frame.to_parquet(out / f"{name}.parquet")


def _read_spec(path: Path) -> dict[str, Any]:
    file = path / "spec.json"
    if not file.is_file():
        raise FileNotFoundError(f"{path} is not a saved alt401k result: no spec.json in it")
    spec = json.loads(file.read_text(encoding="utf-8"))
    if not isinstance(spec, dict) or spec.get("format") != "alt401k-result":
        raise ValueError(f"{file} is not an alt401k result specification")
    version = spec.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{file} has format_version {version!r}; this alt401k ({_library_version()}) "
            f"reads up to {FORMAT_VERSION}"
        )
    if spec.get("result_type") not in _RESULT_TYPES:
        raise ValueError(f"{file}: unknown result_type {spec.get('result_type')!r}")
    return spec


def _seed(spec: Mapping[str, Any]) -> np.random.SeedSequence:
    record = spec["seed"]
    return np.random.SeedSequence(record["entropy"], spawn_key=tuple(record["spawn_key"]))


def _spec_class(path: str) -> type[BaseModel]:
    module, _, qualname = path.partition(":")
    if not (module == "alt401k" or module.startswith("alt401k.")):
        raise ValueError(f"refusing to load a specification class outside alt401k: {path!r}")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and issubclass(obj, BaseModel)):
        raise ValueError(f"{path!r} is not a specification class")
    return obj


def load(path: str | Path) -> PoolResults | ParticipantResults:
    """Read a result written by :func:`save`.

    Returns
    -------
    PoolResults or ParticipantResults
        Equal to the saved one: the same specifications (validated again),
        seed and arrays (bit for bit).
    """
    folder = Path(path)
    spec = _read_spec(folder)
    cls = _RESULT_TYPES[spec["result_type"]]
    with np.load(folder / "arrays.npz", allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    values: dict[str, Any] = {}
    for name, how in spec["fields"].items():
        kind = how["kind"]
        if kind == "none":
            values[name] = None
        elif kind == "seed":
            values[name] = _seed(spec)
        elif kind == "spec":
            values[name] = _spec_class(how["class"]).model_validate(spec[name])
        elif kind == "array":
            values[name] = arrays[name]
        elif kind == "frame":
            values[name] = _frame(name, how, arrays)
        elif kind == "dict":
            values[name] = {key: arrays[f"{name}/{key}"] for key in how["keys"]}
        elif kind == "dataclass":
            nested = _NESTED[how["class"]]
            values[name] = nested(**{sub: arrays[f"{name}.{sub}"] for sub in how["fields"]})
        elif kind == "tuple":
            values[name] = tuple(spec[name])
        elif kind == "value":
            values[name] = spec[name]
        else:
            raise ValueError(f"{folder / 'spec.json'}: unknown storage kind {kind!r} of {name!r}")
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(
            f"{folder} holds attributes this alt401k's {cls.__name__} lacks: {', '.join(unknown)}"
        )
    result: PoolResults | ParticipantResults = cls(**values)
    return result


def _frame(name: str, how: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for column in how["columns"]:
        values = arrays[f"{name}/{column}"]
        dtype = how["dtypes"][column]
        if column in how["categories"]:
            data[column] = pd.Categorical(values.tolist(), categories=how["categories"][column])
        elif values.dtype.kind == "U":
            data[column] = pd.Series(values.tolist(), dtype=dtype)
        else:
            data[column] = values
    index = arrays.get(f"{name}/__index__")
    frame = pd.DataFrame(data, index=index)
    return frame


def rerun(
    source: str | Path | PoolResults | ParticipantResults,
    *,
    chunk_size: int | None = None,
) -> PoolResults | ParticipantResults:
    """Simulate a result again from its specification and seed.

    Parameters
    ----------
    source : path or result
        A directory written by :func:`save`, or a result object (its
        specification is taken through the same JSON form :func:`save`
        writes, so this checks that the saved form is complete).
    chunk_size : int, optional
        Scenarios in memory at once; results do not depend on it.

    Returns
    -------
    PoolResults or ParticipantResults
        A new result; its arrays equal the original's bit for bit.

    Warns
    -----
    Alt401kWarning
        For a participant result that did not record its market model, pay
        path or indexing rate: the defaults of
        :func:`alt401k.simulate_participant` are assumed.
    """
    if isinstance(source, (PoolResults, ParticipantResults)):
        arrays: dict[str, np.ndarray] = {}
        spec: dict[str, Any] = {
            "result_type": type(source).__name__,
            "n_scenarios": source.n_scenarios,
            "periods_per_year": int(source.periods_per_year),
            "seed": {"entropy": source.seed.entropy, "spawn_key": list(source.seed.spawn_key)},
        }
        fields = {
            f.name: _store(f.name, getattr(source, f.name), spec, arrays)
            for f in dataclasses.fields(source)
        }
        spec = json.loads(json.dumps(spec))
    else:
        spec = _read_spec(Path(source))
        fields = spec["fields"]
    seed = _seed(spec)
    n, periods = int(spec["n_scenarios"]), int(spec["periods_per_year"])
    # Results saved before sampling was recorded were all plain Monte Carlo.
    sampling: Any = spec.get("sampling", "mc") if "sampling" in fields else "mc"
    if spec["result_type"] == "PoolResults":
        scenario = Scenario.model_validate(spec["scenario"])
        return scenario.run(
            n,
            rng=seed,
            periods_per_year=periods,
            chunk_size=chunk_size,
            keep_paths=True,
            sampling=sampling,
        )

    from .scenario import simulate_participant

    def model(name: str) -> Any:
        how = fields.get(name, {"kind": "none"})
        if how["kind"] != "spec" or spec.get(name) is None:
            return None
        return _spec_class(how["class"]).model_validate(spec[name])

    missing = [name for name in _PARTICIPANT_INPUTS if name not in fields]
    if missing:
        warnings.warn(
            f"the result did not record {', '.join(missing)}; rerun assumes the defaults of "
            "simulate_participant (default markets, indexing_rate 0.025, no pay path)",
            Alt401kWarning,
            stacklevel=2,
        )
    kwargs: dict[str, Any] = {}
    if "indexing_rate" in fields and spec.get("indexing_rate") is not None:
        kwargs["indexing_rate"] = float(spec["indexing_rate"])
    return simulate_participant(
        model("participant"),
        model("plan"),
        model("portfolio"),
        markets=model("markets"),
        n_scenarios=n,
        rng=seed,
        periods_per_year=periods,
        chunk_size=chunk_size,
        retirement=model("retirement"),
        leakage=model("leakage"),
        pay=model("pay"),
        keep_paths=True,
        sampling=sampling,
        **kwargs,
    )


# --------------------------------------------------------------------------- scenario files


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
        # pandas before 2.2 parses floats to within one ulp unless asked for the exact round trip.
        cells = pd.read_csv(sidecar, float_precision="round_trip")
        data = dict(data)
        data["population"] = {
            "start_year": population.get("start_year", 2026),
            "cells": cells.to_dict(orient="list"),
        }
    return data


# The results' save() and rerun() methods call these (results never import io).
_result_files.register(save=save, rerun=rerun)
