"""`python -m riskgraph` is the `riskgraph` command."""

from riskgraph.cli import run

run()
