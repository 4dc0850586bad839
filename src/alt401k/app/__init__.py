"""A local browser app for the pool and the saver: ``alt401k app`` (the ``app`` extra).

The app is a Streamlit script (:mod:`alt401k.app.streamlit_app`) with two
pages: the **pool** (a scenario file's knobs, the cumulative net flow's band
against the naive $125B, flows by cause, holdings as a share of the pool, the
assumptions in force, the Monte Carlo error of the headline figure, the
scenario as YAML and the results as CSV) and the **saver** (one participant
with and without an alternative sleeve on the same market paths, through
retirement after tax). It is a face: it uses the public API and nothing in
the library imports it.

:func:`launch` starts it on ``localhost`` with the settings in
``config.toml`` beside this module: no usage statistics, no file watcher,
a server bound to ``localhost`` only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["SCRIPT", "launch", "streamlit_command", "streamlit_flags"]

#: The Streamlit script ``streamlit run`` executes.
SCRIPT = Path(__file__).with_name("streamlit_app.py")
_CONFIG = Path(__file__).with_name("config.toml")


def require_streamlit() -> Any:
    """Import streamlit, or raise an ImportError that names the extra to install."""
    try:
        import streamlit
    except ImportError as err:
        raise ImportError(
            "the app needs streamlit: pip install 'alt401k[app]'"
        ) from err
    return streamlit


def streamlit_flags() -> list[str]:
    """The app's own settings (``config.toml``) as ``--section.key=value`` flags."""
    with _CONFIG.open("rb") as handle:
        config = tomllib.load(handle)
    flags = []
    for section, options in config.items():
        for key, value in options.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{key}={text}")
    return flags


def free_port(address: str = "localhost") -> int:
    """A TCP port on ``address`` that is free now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def streamlit_command(port: int, *, python: str | None = None) -> list[str]:
    """The command line that serves the app on ``localhost:port``."""
    return [
        python or sys.executable,
        "-m",
        "streamlit",
        "run",
        str(SCRIPT),
        *streamlit_flags(),
        f"--server.port={port}",
        f"--browser.serverPort={port}",
    ]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Belt and braces: the same setting as config.toml, for any Streamlit that reads env first.
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    return env


def launch(port: int | None = None, *, args: Sequence[str] = ()) -> int:
    """Serve the app on ``http://localhost:PORT`` until interrupted; return the exit code.

    Parameters
    ----------
    port : int, optional
        TCP port on localhost; default a free one.
    args : sequence of str
        Extra arguments for ``streamlit run`` (after the app's own settings).

    Returns
    -------
    int
        Streamlit's exit code (0 after Ctrl-C). On POSIX the process becomes the
        server (``os.execve``) and this function does not return.
    """
    require_streamlit()
    port = free_port() if port is None else port
    print(f"alt401k app: http://localhost:{port}  (Ctrl-C to stop)", flush=True)
    command = [*streamlit_command(port), *args]
    if os.name == "posix":
        # Become the server: a signal meant for `alt401k app` (Ctrl-C, a supervisor's
        # SIGTERM) then reaches Streamlit itself, and no orphaned server is left behind.
        os.execve(command[0], command, _environment())
    process = subprocess.Popen(command, env=_environment())
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        return 0
