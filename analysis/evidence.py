"""Evidence per modality for an analyst: transcripts with what was matched highlighted, parcel
photos with the detected label box and the OCR lines."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from analysis.figures import new_figure, save
from graph.analyst import CallView, ParcelView


def highlight(text: str, terms: Sequence[str], css: str = "background:#ffe08a") -> str:
    """HTML of `text` with every occurrence of any term wrapped in <mark> (longest terms first)."""
    terms = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out += [html.escape(text[last:m.start()]), f'<mark style="{css}">{html.escape(m.group(0))}</mark>']
        last = m.end()
    return "".join(out) + html.escape(text[last:])


def transcripts_html(calls: Sequence[CallView], max_chars: int = 400) -> str:
    """A table of transcript excerpts: intents as badges, keywords and spoken phone/order numbers marked."""
    if not calls:
        return "<p><i>No transcribed calls from this ring's members.</i></p>"
    rows = []
    for c in calls:
        text = c.text if len(c.text) <= max_chars else c.text[:max_chars] + "…"
        terms = list(c.keywords) + [m[2] for m in c.mentions]
        intents = " ".join(f'<span style="background:#d62728;color:white;padding:1px 5px;border-radius:3px">'
                           f"{html.escape(i)}</span>" for i in c.intents)
        mentions = "<br>".join(f"{html.escape(k)}: {html.escape(v)} (heard “{html.escape(t)}”)"
                               for k, v, t in c.mentions)
        conf = f"{c.confidence:.2f}" if c.confidence is not None else "–"
        rows.append(f"<tr><td>{html.escape(c.call_id)}<br><small>{html.escape(c.account_id)}<br>"
                    f"{html.escape(c.started_at)}<br>{html.escape(c.language)}, conf {conf}</small></td>"
                    f"<td>{intents}</td><td>{highlight(text, terms)}</td><td><small>{mentions}</small></td></tr>")
    return ("<table><tr><th>call</th><th>intent</th><th>transcript (keywords and entities marked)</th>"
            "<th>entities</th></tr>" + "".join(rows) + "</table>")


def draw_parcels(day_dir: Path, parcels: Sequence[ParcelView], path: Path, max_n: int = 4,
                 width_px: int = 1200, height_px: int = 800) -> Path:
    """Up to `max_n` parcel photos side by side, the detected label box drawn in red and the OCR
    lines printed under each; a missing photo is drawn as a note, never an error."""
    shown: list[ParcelView | None] = [*parcels[:max_n]] or [None]
    fig, axes = new_figure(width_px, height_px, ncols=len(shown))
    for ax, p in zip(axes, shown, strict=True):
        ax.set_xticks([])
        ax.set_yticks([])
        if p is None:
            ax.text(0.5, 0.5, "no returned parcels from this ring", ha="center", va="center", transform=ax.transAxes)
            continue
        photo = day_dir / p.photo if p.photo else None
        if photo is not None and photo.exists():
            with Image.open(photo) as im:
                ax.imshow(im.convert("RGB"))
            if p.label_box:
                x0, y0, x1, y1 = p.label_box
                ax.add_patch(_rect(x0, y0, x1 - x0, y1 - y0))
        else:
            ax.text(0.5, 0.5, f"photo not found:\n{p.photo or '(none)'}", ha="center", va="center",
                    transform=ax.transAxes, fontsize=8)
        ax.set_title(f"{p.parcel_id} ({p.account_id})", fontsize=9)
        lines = p.ocr_text.splitlines() or ["(no OCR read yet)"]
        caption = "\n".join(line[:40] for line in lines[:8])
        if p.label_address:
            caption += f"\n→ {p.label_address[:40]}" + (" [fraud-listed]" if p.address_fraud_listed else "")
        ax.set_xlabel(caption, fontsize=7, loc="left")
    fig.tight_layout()
    return save(fig, path)


def _rect(x: float, y: float, w: float, h: float) -> object:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, fill=False, edgecolor="red", linewidth=2)
