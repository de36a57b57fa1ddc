"""OCR lines of a label → recipient / sender blocks, phones and address keys.

The label layout (title, tracking number, `收件人`/`TO:` block, `寄件人`/`FROM:` block) is found
by its headings; inside a block the first line is "name phone" and the rest is the address.
OCR-only cleanup (stray bars from the barcode, spaces inside CJK runs) happens here, before
the shared ingest normalizers, so the address key is the same function graph/ uses for orders.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ingest.normalize import normalize_phone, parse_address
from vision.records import LabelFields, LabelParty, OcrLine

_CJK = re.compile(r"[\u4e00-\u9fff]")
_RECIPIENT = re.compile(r"^(收件人|收件|TO)$")
_SENDER = re.compile(r"^(寄件人|寄件|FROM)$")
_PHONE_TAIL = re.compile(r"(?:^|(?<=[\s\u4e00-\u9fff]))(\+?[\d(][\d\s\-()]{6,}\d)\s*$")  # not a tracking no.
_TRACKING = re.compile(r"^(?=(?:\D*\d){6})[A-Z0-9]{10,24}$")  # letters and at least 6 digits
_NOISE = re.compile(r"[|¦‘’`~_]+|\s+[.,]$")
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


def is_latin_recipient_heading(text: str) -> bool:
    """True for a clean Latin recipient heading (TO:, | TO), the sign of an English label; CJK or debris: False."""
    return heading_kind(text) == "to" and not _CJK.search(text) and bool(re.search(r"[A-Za-z]", text))


def _looks_like_heading(text: str) -> bool:
    """A short line that is a misread 寄件人/FROM: close to the word, or without any digit."""
    h = _heading(clean_ocr_text(text))
    close = max(fuzz.ratio(h, "FROM"), fuzz.ratio(h, "寄件人")) >= 50
    return 0 < len(h) <= 6 and (close or not re.search(r"\d", h))


def clean_ocr_text(text: str) -> str:
    """Strip OCR debris that is never part of an address or name (bars, stray quotes, edge punctuation)."""
    return _NOISE.sub("", text).strip(" ;:").lstrip(",.")


def split_name_phone(line: str) -> tuple[str, str]:
    """"王小明 138 1234 5678" → ("王小明", "138 1234 5678"); no phone → (line, "")."""
    if m := _PHONE_TAIL.search(line):
        return line[:m.start()].strip(), m.group(1).strip()
    return line.strip(), ""


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


def _party(lines: list[str]) -> LabelParty | None:
    lines = [c for c in (clean_ocr_text(x) for x in lines) if c]
    if not lines:
        return None
    name, phone_raw = split_name_phone(lines[0])
    address = join_address(lines[1:])
    parts = parse_address(address) if address else None
    return LabelParty(name=name, phone_raw=phone_raw, phone=normalize_phone(phone_raw), address=address,
                      address_key=parts.key if parts else "", address_parts=parts)


def parse_label(lines: tuple[OcrLine, ...]) -> LabelFields | None:
    """The label's fields, or None if no recipient block can be found."""
    texts = [ln.text for ln in lines]
    kinds = [heading_kind(t) for t in texts]
    rec = next((i for i, k in enumerate(kinds) if k == "to"), None)
    if rec is None:
        rec = next((i for i, k in enumerate(kinds) if k == "any"), None)
    snd = next((i for i, k in enumerate(kinds) if k in ("from", "any") and (rec is None or i > rec + 1)), None)
    if rec is None:  # heading unread: the first "name phone" line starts the recipient block
        rec = next((i - 1 for i, t in enumerate(texts) if all(split_name_phone(clean_ocr_text(t)))), None)
        if rec is None:
            return None
    snd_heading = snd
    nxt = next((i for i in range(rec + 2, len(texts)) if split_name_phone(clean_ocr_text(texts[i]))[1]), None)
    if nxt is not None and (snd is None or nxt < snd):  # sender heading misread: its "name phone" line tells
        short = _looks_like_heading(texts[nxt - 1])
        snd_heading = nxt - 1 if short and nxt - 1 > rec + 1 else nxt
        snd = nxt - 1
    recipient = _party(texts[rec + 1:snd_heading])
    if recipient is None:
        return None
    sender = _party(texts[snd + 1:]) if snd is not None else None
    tracking = next((t for t in (re.sub(r"[^0-9A-Z]", "", x) for x in texts[:rec]) if _TRACKING.match(t)), "")
    language = "zh" if _CJK.search(recipient.address or recipient.name) else "en"
    return LabelFields(language=language, recipient=recipient, sender=sender, tracking_no=tracking)
