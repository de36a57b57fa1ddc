"""Benchmarks: scripts that print throughput, latency percentiles and peak memory (not tests)."""
