"""Text runs of a whole label → recipient and sender, by content and geometry, not by a template.

Carriers' labels differ in header, caption words, field order, columns and line breaks, but
every recipient block is a phone with a name beside or above it and the address below it. So:

1. every run (`TextLine`, Tesseract's line split at column rules) is classified: a caption
   (收件人 / 收货人 / 收 / To / Ship to / Deliver to; 寄件人 / 发件人 / 寄 / From / Sender), a
   phone, a Chinese or US address (line), carrier noise (tracking numbers, weights, dates, codes);
2. a party is built around each phone: the name before it on its run or on the run above, the
   address runs under it in the same column (horizontal overlap, line spacing), and a side from
   a caption inline, left of it on the same row, or above it;
3. the recipient is the party captioned as recipient; without one, the party with a phone and
   the most complete address that is not captioned as sender, larger print first (recipients
   are printed bigger than senders on every carrier's label).

A label with no recipient gets a description of what was seen, for the quarantine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.normalize import normalize_phone, parse_address
from vision.parse import clean_ocr_text, heading_kind, join_address
from vision.records import LabelFields, LabelParty, RowRule, Rule, TextLine

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CAPTION = re.compile(
    r"^[\s\[(（【|'‘\"“]*(?P<w>收件人|收货人|寄件人|发件人|发货人|收件|寄件|收|寄|SHIP\s*TO|DELIVER\s*TO|TO|FROM|"
    r"SENDER|SHIPPER|RECIPIENT|CONSIGNEE)(?![A-Za-z])[\s:：;；,，.。|\]】)'’]*", re.I)
_SLIP = re.compile(r"^[\s|]*(?P<w>\S件人|\S货人)[\s:：;；,，.|]*")  # 害件人 / 审件人: a caption misread
_TO = {"收件人", "收货人", "收件", "收", "SHIPTO", "DELIVERTO", "TO", "RECIPIENT", "CONSIGNEE"}
_PHONE_PREFIX = re.compile(r"(电话|手机|联系电话|TEL|PHONE|PH|MOBILE)\s*[:：.#]?\s*$", re.I)
_PHONE_RUN = re.compile(r"\+?[\d(][\d\s\-.()]{7,}\d")
_NOISE_WORDS = re.compile(
    r"运单|单号|订单|重量|件数|签收|取件码|邮编|资费|验视|时间|快递|速运|速递|物流|驿站|标快|邮政|旗舰店|官方店|专营店|"
    r"TRACKING|TRK|BILLING|REF[:#]|ORIGIN|SHIP DATE|\bLBS?\b|PRIORITY|GROUND|EXPRESS|USPS|FEDEX|\bUPS\b|"
    r"OVERNIGHT|\bMAIL\b|\d+\s*OF\s*\d+|PARCEL", re.I)
_TRACKING = re.compile(r"^(?=(?:\D*\d){6})[A-Z0-9]{12,26}$")  # longer than any phone
_ZH_ADDRESS = re.compile(r"[省市区县镇乡村路街道巷弄号栋幢楼室单元]")
_ZH_CONT = re.compile(r"^[\d\u4e00-\u9fff\-—]+$")
_FIELD_LABEL = re.compile(r"^(?:(?:收货|收件|寄件|发货|详细|联系)?地址|ADDRESS|ADDR)(?:\s*[:：;；.]\s*|\s+)", re.I)
_SAME_PRINT = 0.87  # print heights within this ratio are one size (Tesseract's boxes vary by a few pixels);
# carriers print the recipient 1.2-1.5x the sender
_LONG_NUMBER = re.compile(r"\d(?:[\s\-]?\d){6,}")  # 7+ digits: a phone or code, never part of a Chinese address
_EN_STREET = re.compile(r"\b\d+\s+[A-Za-z].*\b(st|street|ave|avenue|rd|road|dr|drive|ln|lane|blvd|boulevard|way|"
                        r"ct|court|pl|place|apt|suite|ste|unit|hwy|pkwy|ter|cir)\b", re.I)
_US_ZIP_END = re.compile(r"\b[A-Za-z]{2}[,.]?\s*\d{5}(?:-\d{4})?\b")
_EN_CITY = re.compile(r"[A-Za-z][A-Za-z .']+,?\s+[A-Za-z]{2}\s*\d{5}(?:-\d{4})?\b|^([A-Za-z]{2}\s+)?\d{5}(?:-\d{4})?$"
                      r"|^[A-Za-z][A-Za-z .']+,\s*\S{1,3}\s*\d{5}(?:-\d{4})?$")  # City, ST 12345 with the state misread ({L)


@dataclass(frozen=True)
class RunInfo:
    """What one run says: its caption side, the text after the caption, and its phone if any."""

    side: str | None  # "to" | "from" | "any" (a caption of unclear side) | None (no caption)
    rest: str  # the run's text without its caption, cleaned
    phone_raw: str  # "" if none
    phone: str | None  # E.164
    before_phone: str  # the text before the phone (a name), prefixes like 电话 dropped
    noise: bool  # carrier noise: tracking number, weight, date, header words
    tracking: str  # the tracking number if this run is one


def _caption(text: str) -> tuple[str | None, str]:
    if m := _CAPTION.match(text):
        word = re.sub(r"\s+", "", m.group("w")).upper()
        return ("to" if word in _TO else "from"), text[m.end():].strip()
    if _NOISE_WORDS.search(text):
        return None, text  # 签收人 (the signature box) is one character from 收件人, and no caption
    if m := _SLIP.match(text):
        kind = heading_kind(m.group("w"))
        if kind:
            return kind, text[m.end():].strip()
    squeezed = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "", text)
    if 2 <= len(squeezed) <= 5 and not re.search(r"\d", squeezed) and (kind := heading_kind(text)):
        return kind, ""  # a misread standalone caption: 收件人四, 客件人
    return None, text


def find_phone(text: str) -> tuple[str, str | None, int]:
    """(raw phone, E.164, start index) of the first phone-looking run in `text`; ("", None, -1) if none.

    A digit run glued to letters (SF1234…, 1Z…) is a tracking number, not a phone.
    """
    for m in _PHONE_RUN.finditer(text):
        start = m.start()
        if start > 0 and re.match(r"[A-Za-z0-9]", text[start - 1]):
            continue
        raw = m.group(0).strip()
        if phone := normalize_phone(raw):
            return raw, phone, start
    return "", None, -1


def classify(text: str) -> RunInfo:
    text = clean_ocr_text(text)
    rest = _FIELD_LABEL.sub("", text, count=1)  # 收货地址：广东省… is an address (no 收 caption), 地址： no part of it
    side, rest = (None, rest) if rest != text else _caption(text)
    squeezed = re.sub(r"[^0-9A-Z]", "", rest.upper())
    digits = sum(ch.isdigit() for ch in squeezed)
    tracking = squeezed if _TRACKING.match(squeezed) and 2 * digits >= len(squeezed) and not _CJK.search(rest) else ""
    raw, phone, start = ("", None, -1) if _NOISE_WORDS.search(rest) else find_phone(rest)
    tracking = "" if phone else tracking
    noise = bool(_NOISE_WORDS.search(rest)) or bool(tracking)
    before = _PHONE_PREFIX.sub("", rest[:start]).strip(" :：;,，") if start >= 0 else ""
    if tracking == "" and noise:  # a tracking number inside a noise run (运单号 SF…, TRACKING #: 1Z…)
        tracking = next((t for t in re.findall(r"[A-Z0-9]{12,26}", rest.upper()) if _TRACKING.match(t)), "")
    return RunInfo(side, rest, raw, phone, before, noise, tracking)


def is_address(text: str) -> bool:
    """A line that starts an address: Chinese with place/road/number words, or a US street or city line."""
    if _CJK.search(text):
        return len(_CJK.findall(text)) >= 2 and bool(_ZH_ADDRESS.search(text))
    return bool(_EN_STREET.search(text) or _EN_CITY.search(text))


def is_continuation(text: str, language: str) -> bool:
    """A wrapped tail of an address (204室, 号1栋1703室; 80202, Springfield, IL 62704)."""
    if language == "zh":  # digits or a unit word: a shop name or debris under the block is not a tail
        return bool(_ZH_CONT.match(re.sub(r"\s+", "", text))) and bool(re.search(r"[\d号栋幢楼室单元层]", text))
    return bool(_EN_CITY.search(text) or re.fullmatch(r"[A-Za-z .']+,?(\s+[A-Za-z]{2})?", text.strip()))


@dataclass
class _Party:
    runs: list[int]  # indices of the runs it took (name, phone, address)
    side: str | None
    name: str
    phone_raw: str
    phone: str | None
    address_runs: list[int] = field(default_factory=list)
    height: float = 0.0  # median height of its runs (print size)


def print_size(runs: list[TextLine]) -> float:
    """The party's type size in pixels: the median em of its runs of three characters or more, an em
    being the run's width over its characters (a CJK character one em wide, others 0.55, spaces 0.3).

    Widths, not box heights: Tesseract's line boxes grow with a caption frame or a merged neighbour
    (a 48 px box round 28 px print), while CJK type is monospaced square.
    """
    ems = []
    for r in runs:
        text = r.text.strip()
        width = sum(1.0 if _CJK.match(ch) else 0.3 if ch.isspace() else 0.55 for ch in text)
        if len(text.replace(" ", "")) >= 3 and width:
            ems.append((r.box[2] - r.box[0]) / width)
    ems = sorted(ems) or sorted(float(r.height) for r in runs)
    return float(ems[len(ems) // 2]) if ems else 0.0


def _x_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    return min(a[2], b[2]) - max(a[0], b[0])


def _v_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    return min(a[3], b[3]) - max(a[1], b[1])


@dataclass(frozen=True)
class LayoutResult:
    fields: LabelFields | None
    seen: str  # what was found, for the quarantine when `fields` is None


Box = tuple[int, int, int, int]


def ruled_apart(upper: Box, lower: Box, rules: tuple[RowRule, ...]) -> bool:
    """True if a printed horizontal rule runs between the two boxes (centre to centre) under both of them."""
    top, bottom = (upper[1] + upper[3]) / 2, (lower[1] + lower[3]) / 2
    return any(top < r.y < bottom and r.x0 < min(upper[2], lower[2]) and r.x1 > max(upper[0], lower[0])
               for r in rules)


def _above(runs: list[TextLine], i: int, used: set[int], width: float, rules: tuple[RowRule, ...] = ()) -> int | None:
    """The nearest run right above run i in its column (horizontal overlap, within two line heights,
    no rule between)."""
    box, best, best_gap = runs[i].box, None, 0.0
    for j, r in enumerate(runs):
        if j == i or j in used or ruled_apart(r.box, box, rules):
            continue
        gap = box[1] - r.box[3]  # Tesseract's line boxes of a small caption over a line may overlap it
        above = r.box[1] + r.box[3] < box[1] + box[3]
        if above and -0.6 * r.height <= gap <= 2.0 * max(r.height, runs[i].height) and (
                _x_overlap(box, r.box) > 0 or abs(box[0] - r.box[0]) < 0.08 * width):
            if best is None or gap < best_gap:
                best, best_gap = j, gap
    return best


def _left_caption(runs: list[TextLine], infos: list[RunInfo], i: int, width: float) -> str | None:
    """The side of a caption-only run left of run i on the same row (a boxed 收, a caption column)."""
    box = runs[i].box
    for j, r in enumerate(runs):
        info = infos[j]
        if j != i and info.side and not info.rest and r.box[2] <= box[0] + 8 and box[0] - r.box[2] < 0.3 * width \
                and _v_overlap(box, r.box) > 0.3 * min(r.height, runs[i].height):
            return info.side
    return None


def _caption_above(runs: list[TextLine], infos: list[RunInfo], i: int, width: float,
                   rules: tuple[RowRule, ...] = ()) -> str | None:
    """The side of the nearest caption-only run over run i in its column, within three line heights
    (past a misread run between them: debris of a boxed caption, a stamp), with no rule between."""
    box, best, best_gap = runs[i].box, None, 0.0
    for j, r in enumerate(runs):
        if j == i or not infos[j].side or infos[j].rest or ruled_apart(r.box, box, rules):
            continue
        gap = box[1] - r.box[3]
        if r.box[1] + r.box[3] < box[1] + box[3] and gap <= 3.0 * max(r.height, runs[i].height) and (
                _x_overlap(box, r.box) > 0 or abs(box[0] - r.box[0]) < 0.08 * width) and (best is None or gap < best_gap):
            best, best_gap = infos[j].side, gap
    return best


def _completeness(address: str) -> int:
    """2: a full address (district and street, or street and city/postcode), 1: partial, 0: none."""
    if not address:
        return 0
    parts = parse_address(address)
    if parts.language == "zh":
        return 2 if parts.district and (parts.street or parts.number) else 1
    return 2 if parts.street and (parts.postcode or parts.city) else 1


def read_layout(runs: tuple[TextLine, ...], width: float, rules: tuple[RowRule, ...] = (),
                columns: tuple[Rule, ...] = ()) -> LayoutResult:
    """The label's fields from its text runs (`TextLine`s in pixels of an image `width` wide) and its
    printed horizontal and vertical rules (block boundaries)."""
    rl = list(runs)
    infos = [classify(r.text) for r in rl]
    language = "zh" if sum(len(_CJK.findall(r.text)) for r in rl) >= 4 else "en"
    used: set[int] = set()
    parties: list[_Party] = []
    def collect(p: _Party, anchor: int, col: tuple[int, int]) -> None:
        """The address: runs under run `anchor` in column `col`, one line spacing apart, up to a rule,
        a phone, a caption, carrier noise or a long number (a phone OCR garbled); then the heads of
        those lines that Tesseract split off with a lost box (same row, left)."""
        last = rl[anchor].box
        centre = (last[1] + last[3]) / 2  # Tesseract's boxes of adjacent lines may overlap: centres decide,
        half = 0.5 * min(rl[anchor].height, print_size([rl[anchor]]))  # and a box swollen by a caption frame
        below = sorted((k for k in range(len(rl)) if k not in used  # does not hide the line under it
                        and (rl[k].box[1] + rl[k].box[3]) / 2 >= centre + half), key=lambda k: rl[k].box[1])
        for k in below:
            r, info_k = rl[k], infos[k]
            if r.box[1] - last[3] > 1.6 * max(r.height, rl[anchor].height) or ruled_apart(last, r.box, rules):
                break
            degenerate = r.box[2] - r.box[0] < 0.25 * r.height * len(r.text)  # Tesseract lost the word's x
            if not degenerate and _x_overlap((col[0], 0, col[1], 0), r.box) <= 0.5 * min(col[1] - col[0],
                                                                                         r.box[2] - r.box[0]):
                continue  # another column
            if degenerate and p.address_runs and r.box[2] <= last[0] + 8 and \
                    abs((r.box[1] + r.box[3]) - (last[1] + last[3])) < rl[p.address_runs[-1]].height:
                continue  # on the row just taken, left of it: the row pass below decides
            if info_k.phone or info_k.side or info_k.noise or (language == "zh" and _LONG_NUMBER.search(info_k.rest)):
                break
            if not (is_address(info_k.rest) or (p.address_runs and is_continuation(info_k.rest, language))):
                break
            p.address_runs.append(k)
            used.add(k)
            last = r.box
            if language == "en" and _US_ZIP_END.search(info_k.rest):
                break  # a US address ends with its state and ZIP
        for k in range(len(rl)):  # the head of a line Tesseract split off with a lost box: same row, left
            r = rl[k]
            if k in used or infos[k].phone or infos[k].side or infos[k].noise or not _CJK.search(infos[k].rest) \
                    or r.box[2] - r.box[0] >= 0.25 * r.height * len(r.text):
                continue  # a run with a real box left of the address is another column's
            row = next((a for a in p.address_runs if abs((r.box[1] + r.box[3]) - sum(rl[a].box[1::2])) < rl[a].height
                        and r.box[2] <= rl[a].box[0] + 8), None)
            if row is not None:
                p.address_runs.append(k)
                used.add(k)
        for k in range(len(rl)):  # the rest of a line Tesseract's page layout cut into two blocks: same row,
            r, info_k = rl[k], infos[k]  # just right of an address run, no column rule between
            if k in used or info_k.phone or info_k.side or info_k.noise or not (
                    is_address(info_k.rest) or is_continuation(info_k.rest, language)):
                continue
            row = next((a for a in p.address_runs if abs((r.box[1] + r.box[3]) - sum(rl[a].box[1::2])) < rl[a].height
                        and -8 <= r.box[0] - rl[a].box[2] <= 1.5 * rl[a].height
                        and not any(rl[a].box[2] - 8 <= c.x <= r.box[0] + 8 and c.y0 <= r.box[3] and c.y1 >= r.box[1]
                                    for c in columns)), None)
            if row is not None:
                p.address_runs.append(k)
                used.add(k)

    for i, info in enumerate(infos):
        if info.phone is None or i in used:
            continue
        used.add(i)
        p = _Party([i], info.side, info.before_phone, info.phone_raw, info.phone)
        top = i
        if not p.name or p.side is None:
            j = _above(rl, i, used, width, rules)
            if j is not None and infos[j].phone is None and not infos[j].noise and not is_address(infos[j].rest):
                if not p.name and (infos[j].side is not None or not p.side):
                    p.name = infos[j].rest
                p.side = p.side or infos[j].side
                p.runs.append(j)
                used.add(j)
                top = j
                if p.side is None and (k := _above(rl, j, used, width, rules)) is not None and infos[k].side \
                        and not infos[k].rest:
                    p.side = infos[k].side  # a caption on its own line over the name
                    used.add(k)
        if p.side is None:
            p.side = _left_caption(rl, infos, top, width) or _left_caption(rl, infos, i, width) \
                or _caption_above(rl, infos, top, width, rules)
        collect(p, i, (min(rl[k].box[0] for k in p.runs), max(rl[k].box[2] for k in p.runs)))
        p.height = print_size([rl[k] for k in p.runs + p.address_runs])
        parties.append(p)
    for k0 in sorted(range(len(rl)), key=lambda k: rl[k].box[1]):  # full addresses no phone anchored
        info = infos[k0]  # (OCR garbled the phone): a party of their own, so the sender is not the only one
        if k0 in used or info.phone or info.side or info.noise or not is_address(info.rest):
            continue
        p = _Party([], None, "", "", None, address_runs=[k0])
        used.add(k0)
        collect(p, k0, (rl[k0].box[0], rl[k0].box[2]))
        if _completeness(join_address([infos[k].rest for k in p.address_runs])) < 2:
            used.difference_update(p.address_runs)
            continue
        top = k0
        j = _above(rl, k0, used, width, rules)
        if j is not None and infos[j].phone is None and not infos[j].noise and not is_address(infos[j].rest):
            p.name, p.side, top = re.split(r"\d", infos[j].rest)[0].strip(" +:："), infos[j].side, j
            p.runs.append(j)
            used.add(j)
        p.side = p.side or _left_caption(rl, infos, top, width) or _caption_above(rl, infos, top, width, rules)
        p.height = print_size([rl[k] for k in p.runs + p.address_runs])
        parties.append(p)
    for p in [p for p in parties if p.phone is None]:  # a phone printed last, under the address (and country)
        end = rl[max(p.address_runs, key=lambda k: rl[k].box[3])].box
        col = (min(rl[k].box[0] for k in p.address_runs), max(rl[k].box[2] for k in p.address_runs))
        below = [q for q in parties if q.phone and not q.address_runs
                 and 0 <= rl[q.runs[0]].box[1] - end[3] <= 2.6 * p.height
                 and _x_overlap((col[0], 0, col[1], 0), rl[q.runs[0]].box) > 0
                 and not ruled_apart(end, rl[q.runs[0]].box, rules)]
        if below:
            q = min(below, key=lambda q: rl[q.runs[0]].box[1])
            p.phone, p.phone_raw = q.phone, q.phone_raw
            parties.remove(q)
    tracking = next((x.tracking for x in infos if x.tracking), "")

    def reading_order(ks: list[int]) -> list[int]:
        """Address runs row by row (centres within half a line), left to right within a row."""
        rows: list[list[int]] = []
        for k in sorted(ks, key=lambda k: rl[k].box[1] + rl[k].box[3]):
            centre = (rl[k].box[1] + rl[k].box[3]) / 2
            if rows and abs(centre - sum(rl[rows[-1][0]].box[1::2]) / 2) < 0.5 * rl[rows[-1][0]].height:
                rows[-1].append(k)
            else:
                rows.append([k])
        return [k for row in rows for k in sorted(row, key=lambda k: rl[k].box[0])]

    def party(p: _Party) -> LabelParty:
        address = join_address([infos[k].rest for k in reading_order(p.address_runs)])
        if not _CJK.search(address):
            address = address.lstrip(" /\\.,;:-—_'\"")
            if m := _US_ZIP_END.search(address):
                address = address[:m.end()]  # what follows the ZIP is a neighbour's text or a sticker
        parts = parse_address(address) if address else None
        name = re.sub(r"[|:：;]+", "", p.name).strip()
        return LabelParty(name=name, phone_raw=p.phone_raw, phone=p.phone, address=address,
                          address_key=parts.key if parts else "", address_parts=parts)

    def rank(p: _Party) -> tuple[int, bool, float]:
        return _completeness(party(p).address), p.phone is not None, p.height

    with_address = [p for p in parties if p.address_runs]
    captioned = [p for p in with_address if p.side == "to"]
    pool = captioned or [p for p in with_address if p.side != "from"]
    if not pool:
        return LayoutResult(None, _describe(infos, parties, tracking))
    best = max(pool, key=rank)
    bigger = [p for p in pool if p.height > best.height / _SAME_PRINT]
    if bigger:  # the recipient is printed larger: a garbled address in big print beats a full one in small
        best = max(bigger, key=rank)
    others = [p for p in with_address if p is not best]
    senders = [p for p in others if p.side == "from"] or others
    recipient = party(best)
    sender = party(max(senders, key=rank)) if senders else None
    lang = "zh" if _CJK.search(recipient.address or recipient.name) else "en"
    return LayoutResult(LabelFields(language=lang, recipient=recipient, sender=sender, tracking_no=tracking), "")


def _describe(infos: list[RunInfo], parties: list[_Party], tracking: str) -> str:
    """What a label without a readable recipient showed: "sender block and tracking number found, ..."."""
    if not infos:
        return "no text found on the label"
    seen = []
    if any(p.side == "from" and p.address_runs for p in parties):
        seen.append("sender block")
    elif any(x.side == "from" for x in infos):
        seen.append("sender caption")
    if any(x.side == "to" for x in infos):
        seen.append("recipient caption")
    if tracking:
        seen.append("tracking number")
    phones = sum(1 for x in infos if x.phone)
    if phones:
        seen.append(f"{phones} phone{'s' if phones > 1 else ''}")
    addresses = sum(1 for x in infos if is_address(x.rest) and not x.noise)
    if addresses:
        seen.append(f"{addresses} address line{'s' if addresses > 1 else ''}")
    what = " and ".join([", ".join(seen[:-1]), seen[-1]] if len(seen) > 1 else seen)
    missing = "no recipient address" if phones else "no phone, so no recipient block"
    return f"{what} found, {missing}" if what else f"{len(infos)} text runs but no caption, phone or address; {missing}"
