"""Builders shared by tests/ and bench/: synthetic days and exports, click and call generators, the
telephone channel, spoken clips, free ports. Neither tests/ nor bench/ imports the other; both
import this. No product package imports it."""
