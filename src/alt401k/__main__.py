"""``python -m alt401k``: the command line (:mod:`alt401k.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
