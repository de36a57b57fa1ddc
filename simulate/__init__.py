"""simulate: a synthetic marketplace with planted collusive rings (the ground truth).

A tool around the product: only riskgraph's CLI, tests, bench and evaluation import it.
"""

from simulate.config import DIFFICULTIES, SimConfig
from simulate.run import DaySummary, simulate_day

__all__ = ["DIFFICULTIES", "DaySummary", "SimConfig", "simulate_day"]
