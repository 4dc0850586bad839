"""The scenario API: specify, run, sweep.

* :func:`simulate_participant` -- one saver, thousands of market paths.
* :class:`Scenario` -- the DC pool and one alternative asset: how much money
  flows in, how fast, and what it does to the savers who hold it, for given
  sponsor adoption, opt-in channels, allocation share and policy risk.
* :func:`sweep` -- a Scenario over a grid of knobs, one tidy row per point.

Both run on the same engine (:func:`alt401k.engine.simulate`): a saver is a
population of one cell, the pool a population of weighted cells grouped by
shared rules.

Every entry point takes a keyword-only ``rng`` (None, int, SeedSequence or
Generator). Runs with the same seed and the same market model see the same
market paths whatever else differs -- the horizon, the asset, the
portfolios, the retirement age, a saver vs the pool -- so comparisons
between variants are paired (common random numbers).
"""

from .participant import simulate_participant
from .pool import DEFAULT_CELLS, POPULATION_SEED, Scenario
from .sweep import sweep

__all__ = ["DEFAULT_CELLS", "POPULATION_SEED", "Scenario", "simulate_participant", "sweep"]
