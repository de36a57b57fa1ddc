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


def _heading(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "", text).upper()


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
    return re.sub(r"\s+", "", out) if _CJK.search(out) else out


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
    heads = [_heading(t) for t in texts]
    rec = next((i for i, h in enumerate(heads) if _RECIPIENT.match(h)), None)
    snd = next((i for i, h in enumerate(heads) if _SENDER.match(h) and (rec is None or i > rec)), None)
    if rec is None:  # heading unread: the first line ending in a phone number starts the recipient block
        rec = next((i - 1 for i, t in enumerate(texts) if split_name_phone(clean_ocr_text(t))[1]), None)
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
