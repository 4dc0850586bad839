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

from ..results import _files as _result_files
from .saved import FORMAT_VERSION, load, rerun, save
from .scenario_files import (
    KNOBS,
    PRESETS,
    read_scenario,
    scenario_from_yaml,
    scenario_schema,
    scenario_to_dict,
    scenario_to_yaml,
    write_scenario,
)

__all__ = [
    "FORMAT_VERSION",
    "KNOBS",
    "PRESETS",
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

# The results' save() and rerun() methods call these (results never import io).
_result_files.register(save=save, rerun=rerun)
