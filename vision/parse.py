"""OCR text cleanup for `vision.layout`: debris, misread captions, wrapped address lines.

OCR-only cleanup (stray bars from the barcode, spaces inside CJK runs, chi_sim's digit-context
confusions) happens here, before the shared ingest normalizers, so the address key is the same
function graph/ uses for orders.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

_CJK = re.compile(r"[\u4e00-\u9fff]")
_RECIPIENT = re.compile(r"^(收件人|收件|TO)$")
_SENDER = re.compile(r"^(寄件人|寄件|FROM)$")
_NOISE = re.compile(r"[|¦‘’“”\"`~_…]+|\.{3,}|\s+[.,]$")  # quotes, leader dots: debris of a bar or a fold, never in an address
# Confusions of chi_sim with the glyphs of a door/room number, fixed only where a digit or a
# number word is on both sides (so 株洲, 工业路 are untouched): 栋 → 株, full-width １ → 工.
_ZH_DIGIT_CONFUSIONS = (
    (re.compile(r"(?<=\d)株(?=\d)"), "栋"),
    (re.compile(r"(?<=[\d号栋幢])工(?=[\d号栋幢室]|$)"), "1"),
    (re.compile(r"(?<=\d)工(?=[\d号栋幢室]|$)"), "1"),
)
_HEADING_WORDS = {"to": ("收件人", "TO"), "from": ("寄件人", "FROM")}


def _heading(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "", text).upper()


def heading_kind(text: str) -> str | None:
    """"to" / "from" for a recipient / sender heading, "any" for a heading of unclear side, else None.

    OCR slips in the bold heading are common (寄件人 → 客件人 / 容件人, 收件人 → 收件人四); a short
    line without digits that is closer to one heading word than the other takes that side.
    """
    h = _heading(clean_ocr_text(text))
    if _RECIPIENT.match(h):
        return "to"
    if _SENDER.match(h):
        return "from"
    if not 2 <= len(h) <= 5 or re.search(r"\d", h):
        return None
    to, frm = (max(fuzz.ratio(h, w) for w in words) for words in _HEADING_WORDS.values())
    if max(to, frm) >= 66 and to != frm:
        return "to" if to > frm else "from"
    return "any" if h.endswith("件人") else None


def clean_ocr_text(text: str) -> str:
    """Strip OCR debris that is never part of an address or name (bars, stray quotes, edge punctuation)."""
    return _NOISE.sub("", text).strip(" ;:，。、；：").lstrip(",.")  # a wrapped 02室， keeps its digits


def join_address(lines: list[str]) -> str:
    """Wrapped address lines → one string: CJK lines join directly, others with a space."""
    out = ""
    for line in lines:
        if not line:
            continue
        cjk_seam = out and (_CJK.search(out[-1]) or _CJK.search(line[0]) or _CJK.search(out))
        out = out + line if cjk_seam else (out + " " + line).strip()
    # A Chinese address has no spaces; Tesseract splits wide (full-width) digits with them: "2 0 1号".
    if not _CJK.search(out):
        return out
    out = re.sub(r"\s+", "", out)
    for pattern, repl in _ZH_DIGIT_CONFUSIONS:
        out = pattern.sub(repl, out)
    return out
