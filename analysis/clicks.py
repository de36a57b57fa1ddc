"""One day's click events for a few accounts (read from the raw clicks/*.jsonl) and their timeline."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates

from analysis.figures import new_figure, save


@dataclass(frozen=True)
class ClickEvent:
    account_id: str
    session_id: str
    ts: datetime
    event: str
    page: str
    dwell_ms: int


def read_click_events(day_dir: Path, accounts: Collection[str]) -> list[ClickEvent]:
    """Every event of `accounts` in DAY/clicks/*.jsonl, by account then time. Unparseable lines are
    skipped (ingest/ quarantines them; this is a viewer)."""
    wanted = set(accounts)
    out: list[ClickEvent] = []
    for path in sorted((day_dir / "clicks").glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not any(a in line for a in wanted):  # cheap pre-filter before parsing
                    continue
                try:
                    e = json.loads(line)
                    if e.get("account_id") in wanted:
                        out.append(ClickEvent(e["account_id"], str(e.get("session_id", "")),
                                              datetime.fromisoformat(e["ts"]), str(e.get("event", "")),
                                              str(e.get("page", "")), int(e.get("dwell_ms") or 0)))
                except (ValueError, KeyError, TypeError):
                    continue
    return sorted(out, key=lambda e: (e.account_id, e.ts))


def session_paths(events: Sequence[ClickEvent]) -> list[tuple[str, str, str, str]]:
    """(account, session, start time, page path "home → coupon_center(claim) → …") per session."""
    sessions: dict[tuple[str, str], list[ClickEvent]] = {}
    for e in events:
        sessions.setdefault((e.account_id, e.session_id), []).append(e)
    rows = []
    for (acct, sid), evs in sessions.items():
        steps = [e.page + (f"({e.event})" if e.event not in ("view", "open") else "") for e in evs]
        rows.append((acct, sid, evs[0].ts.isoformat(timespec="seconds"), " → ".join(steps)))
    return sorted(rows, key=lambda r: (r[0], r[2]))


def draw_click_timeline(events: Sequence[ClickEvent], path: Path, title: str = "",
                        width_px: int = 1200, height_px: int = 700) -> Path:
    """One row per account, one dot per event (coloured by page), a line per session: scripted
    sessions show up as identical, evenly spaced patterns across accounts."""
    fig, (ax,) = new_figure(width_px, height_px)
    accounts = sorted({e.account_id for e in events})
    ax.set_title(title or f"click paths of {len(accounts)} accounts", fontsize=11)
    if not events:
        ax.text(0.5, 0.5, "no click events for these accounts", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return save(fig, path)
    row = {a: i for i, a in enumerate(accounts)}
    pages = sorted({e.page for e in events})
    cmap = matplotlib.colormaps["tab20"]
    colour = {p: cmap(i % 20) for i, p in enumerate(pages)}
    by_session: dict[tuple[str, str], list[ClickEvent]] = {}
    for e in events:
        by_session.setdefault((e.account_id, e.session_id), []).append(e)
    for (acct, _), evs in by_session.items():
        ax.plot([e.ts for e in evs], [row[acct]] * len(evs), color="#bbbbbb", lw=1, zorder=1)
    for p in pages:
        evs = [e for e in events if e.page == p]
        ax.scatter([e.ts for e in evs], [row[e.account_id] for e in evs], s=18, color=colour[p], label=p, zorder=2)
    ax.set_yticks(range(len(accounts)), accounts, fontsize=7)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.set_xlabel("time of day")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return save(fig, path)
