"""Evidence subgraphs as a static picture (matplotlib) and as an interactive HTML graph (pyvis)."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import networkx as nx
from matplotlib.lines import Line2D

from analysis.figures import new_figure, save, write_text
from graph.analyst import GraphNode, Subgraph

NODE_COLOURS = {"Account": "#d62728", "Device": "#1f77b4", "IP": "#17becf", "Address": "#2ca02c",
                "Phone": "#ff7f0e", "Order": "#9467bd", "Return": "#8c564b", "Parcel": "#e377c2",
                "Call": "#bcbd22", "Keyword": "#7f7f7f", "Ring": "#000000"}
EDGE_NAMES = {"USES_DEVICE": "device", "USES_IP": "ip", "HAS_PHONE": "phone", "BEHAVES_LIKE": "similar clicks",
              "BUYS_FROM": "buys from", "PLACED": "placed", "SHIPS_TO": "ships to", "CONTACT_PHONE": "contact phone",
              "SOLD_BY": "sold by", "REQUESTED": "return", "FOR_ORDER": "for order", "HAS_PARCEL": "parcel",
              "LABEL_ADDRESS": "label (OCR)", "LABEL_PHONE": "label phone (OCR)", "MADE_CALL": "call",
              "FROM_PHONE": "from phone", "MENTIONS": "mentions"}
EDGE_COLOURS = {"USES_DEVICE": "#1f77b4", "USES_IP": "#17becf", "HAS_PHONE": "#ff7f0e", "BEHAVES_LIKE": "#d62728",
                "BUYS_FROM": "#9467bd", "SHIPS_TO": "#2ca02c", "LABEL_ADDRESS": "#e377c2"}
MAX_EDGE_TEXT = 80  # above this many edges the labels would cover the picture: the legend names them


def _short(node: GraphNode) -> str:
    key = node.key if node.label != "Address" else str(node.props.get("example") or node.key)
    return key if len(key) <= 14 else key[:12] + "…"


def _props_scores(sub: Subgraph) -> dict[str, float]:
    """Account scores the graph already carries (the latest build's GNN score on each Account)."""
    return {n.key: float(n.props["score"]) for n in sub.nodes if n.label == "Account" and n.props.get("score") is not None}


def merge(subs: Sequence[Subgraph]) -> Subgraph:
    """One subgraph holding every node and edge of `subs` once."""
    nodes = {n.uid: n for s in subs for n in s.nodes}
    edges = {(e.src, e.dst, e.type): e for s in subs for e in s.edges}
    return Subgraph(tuple(nodes.values()), tuple(edges.values()))


def path_text(path: Subgraph, start: str) -> str:
    """A path (as graph.analyst returns it, edges in path order) walked from account `start` as one
    line: `Account:U1 -USES_DEVICE- Device:ab12 -USES_DEVICE- Account:U2`."""
    at = f"Account:{start}"
    out = [at]
    for e in path.edges:
        nxt = e.dst if e.src == at else e.src
        out += [f"-{e.type}-", nxt]
        at = nxt
    return " ".join(out)


def iframe(page: Path, height_px: int = 720) -> str:
    """HTML embedding a written page (srcdoc, so it shows without a file server)."""
    return (f'<div><iframe srcdoc="{html.escape(page.read_text(encoding="utf-8"), quote=True)}" '
            f'width="100%" height="{height_px}" style="border:1px solid #ddd"></iframe></div>')


def to_networkx(sub: Subgraph) -> nx.MultiGraph:
    g = nx.MultiGraph()
    for n in sub.nodes:
        g.add_node(n.uid, label=n.label, key=n.key)
    for e in sub.edges:
        g.add_edge(e.src, e.dst, type=e.type)
    return g


def draw_subgraph(sub: Subgraph, path: Path, title: str = "", scores: Mapping[str, float] | None = None,
                  width_px: int = 1200, height_px: int = 900, seed: int = 0) -> Path:
    """Members (sized by score) and the things that tie them, coloured by node type, edges coloured
    and labelled by evidence type. Written as a width_px × height_px PNG."""
    scores = scores if scores is not None else _props_scores(sub)
    g = nx.Graph(to_networkx(sub))  # one drawn line per pair
    fig, (ax,) = new_figure(width_px, height_px)
    ax.set_axis_off()
    ax.set_title(title or f"{len(sub.nodes)} nodes, {len(sub.edges)} links", fontsize=12)
    if not sub.nodes:
        ax.text(0.5, 0.5, "no evidence subgraph", ha="center", va="center", transform=ax.transAxes)
        return save(fig, path)
    pos = nx.spring_layout(g, seed=seed, k=1.6 / max(len(g), 1) ** 0.5)
    by_uid = {n.uid: n for n in sub.nodes}
    types = {(e.src, e.dst): e.type for e in sub.edges} | {(e.dst, e.src): e.type for e in sub.edges}
    for etype in sorted({types[(u, v)] for u, v in g.edges}):
        edges = [(u, v) for u, v in g.edges if types[(u, v)] == etype]
        nx.draw_networkx_edges(g, pos, edgelist=edges, ax=ax, edge_color=EDGE_COLOURS.get(etype, "#999999"),
                               width=1.2, alpha=0.6)
    if g.number_of_edges() <= MAX_EDGE_TEXT:
        nx.draw_networkx_edge_labels(g, pos, ax=ax, font_size=6, alpha=0.8,
                                     edge_labels={(u, v): EDGE_NAMES.get(types[(u, v)], types[(u, v)].lower())
                                                  for u, v in g.edges})
    for label, colour in NODE_COLOURS.items():
        nodes = [uid for uid in g.nodes if by_uid[uid].label == label]
        if nodes:
            sizes = [120 + 500 * float(scores.get(by_uid[u].key, 0.3)) if label == "Account" else 90 for u in nodes]
            nx.draw_networkx_nodes(g, pos, nodelist=nodes, ax=ax, node_color=colour, node_size=sizes,
                                   edgecolors="white", linewidths=0.8)
    nx.draw_networkx_labels(g, pos, ax=ax, font_size=6, labels={u: _short(by_uid[u]) for u in g.nodes})
    counts = Counter(n.label for n in sub.nodes)
    etypes = Counter(e.type for e in sub.edges)
    handles = [Line2D([], [], marker="o", ls="", color=NODE_COLOURS.get(lbl, "#999"), label=f"{lbl} ({c})")
               for lbl, c in sorted(counts.items())]
    handles += [Line2D([], [], color=EDGE_COLOURS.get(t, "#999999"), label=f"{EDGE_NAMES.get(t, t)} ({c})")
                for t, c in sorted(etypes.items())]
    ax.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.85)
    fig.tight_layout()
    return save(fig, path)


def subgraph_html(sub: Subgraph, path: Path, title: str = "", scores: Mapping[str, float] | None = None) -> Path:
    """An interactive graph (pyvis/vis.js, inlined so it opens offline): drag, zoom, hover for properties."""
    from pyvis.network import Network

    scores = scores if scores is not None else _props_scores(sub)
    net = Network(height="700px", width="100%", heading=html.escape(title), cdn_resources="in_line")
    for n in sub.nodes:
        props = "\n".join(f"{k}: {v}" for k, v in sorted(n.props.items()) if not k.startswith("fp_"))[:800]
        size = 10 + 25 * float(scores.get(n.key, 0.3)) if n.label == "Account" else 8
        net.add_node(n.uid, label=_short(n), title=f"{n.label} {n.key}\n{props}",
                     color=NODE_COLOURS.get(n.label, "#999999"), size=size)
    for e in sub.edges:
        net.add_edge(e.src, e.dst, title=e.type, label=EDGE_NAMES.get(e.type, e.type.lower()),
                     color=EDGE_COLOURS.get(e.type, "#999999"))
    net.toggle_physics(True)
    return write_text(path, net.generate_html(name=path.name))
