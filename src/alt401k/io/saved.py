"""Saved results: :func:`save` to a directory, :func:`load` it back, :func:`rerun` it.

The layout of the directory (``spec.json``, ``arrays.npz``, optional
parquet tables) is described in :mod:`alt401k.io`.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from .._random import check_sampling
from .._version import __version__
from .._warnings import Alt401kWarning
from ..contributions import AnnualContributions
from ..results import ParticipantResults, PoolResults, needs_paths_hint
from ..retirement import RetirementPaths
from ..scenario import Scenario

__all__ = ["FORMAT_VERSION", "load", "rerun", "save"]


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
    sampling = check_sampling(spec.get("sampling", "mc") if "sampling" in fields else "mc")
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

    from ..scenario import simulate_participant

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
