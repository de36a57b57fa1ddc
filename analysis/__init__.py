"""Helpers behind the analysts' notebooks (notebooks/*.ipynb): parameters, pictures, evidence views.

Notebook cells stay short: they call graph.analyst for data and these helpers to draw it. All
figures are written with matplotlib's Agg backend to files (and shown from there), so a
notebook run headless in CI produces the same PNGs an analyst sees.
"""

from analysis.params import NotebookParams, open_graph, resolve_params

__all__ = ["NotebookParams", "open_graph", "resolve_params"]
