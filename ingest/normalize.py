"""The normalizers every source shares: address key and phone.

An address typed into an order and one read by OCR from a parcel label must become the same
Address node, so both go through `address_key` here and nowhere else. The key collapses
*formatting* differences (full-width characters, omitted province or 省/市/区 suffixes, spacing,
case, punctuation, street-type abbreviations, unit spellings, part order); it deliberately does
not guess at typos, which are the job of fuzzy matching downstream.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import polars as pl

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class AddressParts:
    """A parsed address. Empty strings for parts that are absent or not recognized."""

    language: str  # "zh" | "en"
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""  # zh: road name with its suffix (科技园路); en: house number + street (12 oak st)
    number: str = ""  # zh: door number (88号 -> "88"); en: house number
    unit: str = ""  # building/room (zh "3栋1201", en "4b")
    postcode: str = ""
    town: str = ""  # zh sub-district (南城街道, 仓前镇); not in the key: orders often omit it

    @property
    def key(self) -> str:
        if self.language == "zh":
            return "zh|" + "|".join((self.province, self.city, self.district, self.street, self.number, self.unit))
        return "en|" + "|".join((self.street, self.unit, self.city, self.postcode))


def fold_width(text: str) -> str:
    """Full-width to half-width (ＡＢ１２ -> AB12) and other compatibility forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def parse_address(raw: str) -> AddressParts:
    return parse_addresses([raw])[0]


def parse_addresses(raws: Sequence[str]) -> list[AddressParts]:
    """`parse_address` for many at once: Chinese ones share one cpca call (~60x faster than one by one)."""
    texts = [fold_width(r).strip() for r in raws]
    is_zh = [_CJK.search(t) is not None for t in texts]
    zh = [i for i, flag in enumerate(is_zh) if flag]
    out: list[AddressParts | None] = [None if flag else _parse_en(t) for t, flag in zip(texts, is_zh, strict=True)]
    cleaned = [_ZH_PUNCT.sub("", texts[i]) for i in zh]
    for i, text, admin in zip(zh, cleaned, _split_admin(cleaned), strict=True):
        out[i] = _parse_zh(text, admin)
    return [p for p in out if p is not None]


def address_key(raw: str) -> str:
    """The entity-resolution key of an address; equal keys mean the same Address node."""
    return parse_address(raw).key


def address_keys(raws: Sequence[str]) -> list[str]:
    """`address_key` of each address, computed in one batch (use this for whole columns)."""
    return [p.key for p in parse_addresses(raws)]


# --- Chinese ----------------------------------------------------------------------------------

_ZH_PUNCT = re.compile(r"[\s,，。.、;；:：()（）\[\]【】\"'“”‘’]+")
# 街 followed by 道 is a sub-district (南城街道), not a street: 南城街道解放街188号 is 解放街 188.
_ZH_STREET = re.compile(r"^(.*?(?:大道|路|街(?!道)|道|巷|弄|胡同|大街))(.*)$")
_ZH_TOWN = re.compile(r"^(.+?(?:街道|镇|乡))(.+)$")  # township-level sub-district before the road
_ZH_NUMBER = re.compile(r"^(\d+)号(.*)$")
_ZH_UNIT_SUBS = ((re.compile(r"(\d+)(?:号楼|幢|座|栋)"), r"\1栋"), (re.compile(r"(\d+)单元"), r"\1单元"),
                 (re.compile(r"室$"), ""), (re.compile(r"^(\d+)[-_](\d+)$"), r"\1栋\2"))
_MUNICIPAL = "市辖区"


@lru_cache(maxsize=1)
def _cpca() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cpca imports the deprecated pkg_resources
        import cpca
    return cpca


def _split_admin(texts: list[str]) -> list[tuple[str, str, str, str]]:
    """(province, city, district, rest) per text, from one cpca call."""
    if not texts:
        return []
    df = _cpca().transform(texts)
    out = []
    for prov, city, dist, rest in zip(*(df[c].tolist() for c in ("省", "市", "区", "地址")), strict=True):
        prov, city, dist, rest = (str(v or "") for v in (prov, city, dist, rest))
        if city == _MUNICIPAL:  # municipalities (北京, 上海, ...): the city is the province
            city = prov
        out.append((prov, city, dist, rest))
    return out


def _parse_zh(text: str, admin: tuple[str, str, str, str]) -> AddressParts:
    prov, city, dist, rest = admin
    town = ""
    if (m := _ZH_TOWN.match(rest)) and (road := _ZH_STREET.match(m.group(2))) and len(road.group(1)) >= 2:
        town, rest = m.group(1), m.group(2)  # only if a named road follows (新镇路 is a road, not 新镇 + 路)
    street, number, unit = "", "", rest
    if m := _ZH_STREET.match(rest):
        street, unit = m.group(1), m.group(2)
    if m := _ZH_NUMBER.match(unit):
        number, unit = m.group(1), m.group(2)
    for pattern, repl in _ZH_UNIT_SUBS:
        unit = pattern.sub(repl, unit)
    return AddressParts("zh", prov, city, dist, street, number, unit, town=town)


# --- English ----------------------------------------------------------------------------------

_EN_ABBREV = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "road": "rd", "boulevard": "blvd",
    "drive": "dr", "lane": "ln", "court": "ct", "place": "pl", "terrace": "ter", "highway": "hwy",
    "parkway": "pkwy", "square": "sq", "circle": "cir", "north": "n", "south": "s", "east": "e", "west": "w",
}
_EN_STREET_TYPES = {"st", "ave", "rd", "blvd", "dr", "ln", "ct", "pl", "ter", "hwy", "pkwy", "sq", "cir", "way"}
_EN_UNIT_WORDS = {"apt", "apartment", "unit", "suite", "ste", "room", "rm", "flat", "no"}
_EN_POSTCODE = re.compile(r"^\d{5}(?:-\d{4})?$")


def _parse_en(text: str) -> AddressParts:
    text = text.lower().replace("#", " unit ")
    tokens = [t for t in re.split(r"[^a-z0-9\-]+", text) if t and t != "-"]
    tokens = [_EN_ABBREV.get(t, t) for t in tokens]
    unit = ""
    for i, tok in enumerate(tokens[:-1]):
        if tok in _EN_UNIT_WORDS:
            unit = tokens[i + 1]
            del tokens[i:i + 2]
            break
    postcode = ""
    for i in range(len(tokens) - 1, -1, -1):
        if _EN_POSTCODE.match(tokens[i]):
            postcode = tokens.pop(i)[:5]
            break
    number, street, city = "", "", ""
    start = next((i for i, t in enumerate(tokens) if t.isdigit()), None)
    if start is not None:
        end = next((j for j in range(start + 1, len(tokens)) if tokens[j] in _EN_STREET_TYPES), None)
        if end is not None:
            number = tokens[start]
            street = " ".join(tokens[start:end + 1])
            city = " ".join(tokens[:start] + tokens[end + 1:])
    if not street:  # no recognizable street: keep the words in order so equal text still matches
        city = " ".join(tokens)
    return AddressParts("en", street=street, number=number, unit=unit.lstrip("0") or unit,
                        city=city, postcode=postcode)


# --- Phones -----------------------------------------------------------------------------------

_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str | None) -> str | None:
    """E.164 form (+8613812345678, +14155550123), or None if it is not a phone we recognize.

    Chinese mobiles are 11 digits starting 1[3-9]; US numbers are 10 digits (optionally with a
    leading country code 1). An explicit +86 / +1 / 0086 prefix wins over the digit patterns.
    """
    if not raw:
        return None
    text = fold_width(raw).strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+86") or digits.startswith("0086"):
        digits = digits[2:] if text.startswith("+") else digits[4:]
        return f"+86{digits}" if _CN_MOBILE.match(digits) else None
    if text.startswith("+1"):
        digits = digits[1:]
        return f"+1{digits}" if len(digits) == 10 else None
    us_trunk = re.match(r"^1\D", text) is not None  # "1 415 555 0123": a lone 1 is the US trunk code
    if _CN_MOBILE.match(digits) and not us_trunk:
        return f"+86{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return f"+1{digits}" if len(digits) == 10 and digits[0] in "23456789" else None


# --- Timestamps -------------------------------------------------------------------------------

# ISO 8601 with an offset (2026-11-27T10:00:00+08:00, fractional seconds allowed, "Z" for UTC);
# chrono's %+ also accepts a space for "T". A timestamp without an offset (2026-11-27T10:00:00, or
# 2026-11-27 10:00) is a local time: it is placed on the timeline only with the export's configured
# zone (`IngestConfig.timezone`); without one it is not parsed here (the readers then say which
# setting is missing). A local time that does not exist (skipped by a DST change) is unparseable; one
# that exists twice takes the earlier instant.
_TS_FORMAT = "%+"
_NAIVE_FORMAT = "%Y-%m-%dT%H:%M:%S%.f"


def _with_offset(expr: pl.Expr) -> pl.Expr:
    return (expr.str.strip_chars().str.replace(r"[zZ]$", "+00:00")
            .str.to_datetime(_TS_FORMAT, time_unit="us", time_zone="UTC", strict=False))


def _naive(expr: pl.Expr) -> pl.Expr:
    text = (expr.str.strip_chars().str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
            .str.replace(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})$", "${1}:00"))
    return text.str.to_datetime(_NAIVE_FORMAT, time_unit="us", strict=False)


def timestamp_expr(expr: pl.Expr, timezone: str | None = None) -> pl.Expr:
    """Polars expression: ISO 8601 strings -> Datetime(us, UTC); null if unparseable.

    With `timezone` (an IANA name), timestamps without an offset are read as local times there."""
    offset = _with_offset(expr)
    if timezone is None:
        return offset
    local = _naive(expr).dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    return pl.coalesce(offset, local.dt.convert_time_zone("UTC"))


def naive_timestamp_expr(expr: pl.Expr) -> pl.Expr:
    """True where the value is a well-formed ISO 8601 local time without an offset."""
    return _with_offset(expr).is_null() & _naive(expr).is_not_null()


def parse_timestamp(raw: str | None, timezone: str | None = None) -> datetime | None:
    """The scalar form of `timestamp_expr` (same rules), for per-item code in asr/ and vision/."""
    if raw is None:
        return None
    value = pl.select(timestamp_expr(pl.lit(raw, dtype=pl.String), timezone)).item()
    return value if isinstance(value, datetime) else None
