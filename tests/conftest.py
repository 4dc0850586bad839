"""Test-suite settings: property tests are deterministic, like every other test.

Hypothesis draws its examples from a seed derived from each test, not from the
clock, so a run is the same on every machine and a failure reproduces; no
example database is written.
"""

from hypothesis import settings

settings.register_profile("deterministic", derandomize=True, database=None)
settings.load_profile("deterministic")
