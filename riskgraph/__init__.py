"""riskgraph."""
