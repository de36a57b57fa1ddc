"""Addresses: canonical parts, the ways people write them, and one-character typos.

One `Addr` holds the parts of a Chinese or US address in unified fields (for US addresses
`province` holds the state and `district` is empty). Writing the same address differently is
ordinary behaviour (benign accounts do it too), so a variant is not a fraud signal by itself:
*formatting* variants are ones the shared normalizer (`ingest.normalize.address_key`) must
collapse; *typo* variants change one character and only fuzzy matching can join them.
The polars expressions at the bottom do the same formatting for millions of rows at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from simulate.vocab import (
    EN_ABBREV,
    EN_PLACES,
    EN_STREET_NAMES,
    EN_STREET_TYPES,
    ZH_PLACES,
    ZH_STREET_STEMS,
    ZH_STREET_SUFFIXES,
    ZH_TYPO,
)

_FULL = str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                      "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
                      "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ")
ADDR_COLUMNS = ("a_lang", "a_prov", "a_city", "a_dist", "a_street", "a_num", "a_unit", "a_post")


@dataclass(frozen=True)
class Addr:
    language: str  # "zh" | "en"
    province: str  # zh 广东省 (municipality: 上海市); en state "CA"
    city: str  # zh 深圳市; en "San Francisco"
    district: str  # zh 南山区; en ""
    street: str  # zh 科技园南路; en "Market Street"
    number: str  # house / door number, digits
    unit: str  # zh "3栋1502"; en "4B" or ""
    postcode: str  # en only

    def canonical(self) -> str:
        """The form an account types by default (and the one recorded in truth)."""
        if self.language == "zh":
            head = self.city if self.province == self.city else self.province + self.city
            unit = f"{self.unit}室" if self.unit else ""
            return f"{head}{self.district}{self.street}{self.number}号{unit}"
        unit = f", Apt {self.unit}" if self.unit else ""
        return f"{self.number} {self.street}{unit}, {self.city}, {self.province} {self.postcode}"

    def parts(self) -> dict[str, str]:
        """Canonical parts as the truth files name them."""
        if self.language == "zh":
            return {"province": self.province, "city": self.city, "district": self.district,
                    "street": self.street, "number": self.number, "unit": self.unit}
        return {"street": f"{self.number} {self.street}", "unit": self.unit, "city": self.city,
                "state": self.province, "postcode": self.postcode}

    def formatting_variant(self, rng: np.random.Generator) -> str:
        """The same address written differently in ways a normalizer must collapse."""
        return _zh_format(self, rng) if self.language == "zh" else _en_format(self, rng)

    def typo_variant(self, rng: np.random.Generator) -> str:
        """A formatting variant with one character of the street name wrong."""
        if self.language == "zh":
            stem = self.street
            positions = [i for i, ch in enumerate(stem) if ch in ZH_TYPO]
            i = positions[int(rng.integers(len(positions)))]
            street = stem[:i] + ZH_TYPO[stem[i]] + stem[i + 1:]
        else:
            name, _, kind = self.street.partition(" ")
            i = int(rng.integers(1, len(name)))
            letters = [c for c in "aeiourstnl" if c != name[i].lower()]
            street = f"{name[:i]}{letters[int(rng.integers(len(letters)))]}{name[i + 1:]} {kind}"
        return Addr(self.language, self.province, self.city, self.district, street, self.number,
                    self.unit, self.postcode).formatting_variant(rng)


def _zh_format(a: Addr, rng: np.random.Generator) -> str:
    prov, city, dist = a.province, a.city, a.district
    flags = rng.random(5) < np.array([0.35, 0.35, 0.3, 0.3, 0.3])
    if flags[0]:  # drop 省 / 市 suffixes
        prov, city = prov.removesuffix("省").removesuffix("市"), city.removesuffix("市")
    head = [city] if prov.rstrip("市") == city.rstrip("市") else [prov, city]
    if flags[1] and len(head) == 2:  # omit the province
        head = head[1:]
    unit = a.unit
    if flags[2] and "栋" in unit:
        unit = unit.replace("栋", "号楼")
    parts = [*head, dist, a.street, f"{a.number}号", f"{unit}室" if unit and rng.random() < 0.6 else unit]
    text = (" " if flags[3] else "").join(p for p in parts if p)
    return text.translate(_FULL) if flags[4] else text


def _en_format(a: Addr, rng: np.random.Generator) -> str:
    name, _, kind = a.street.partition(" ")
    kind = EN_ABBREV[kind] + ("." if rng.random() < 0.3 else "") if rng.random() < 0.5 else kind
    street = f"{a.number} {name} {kind}"
    forms = ("Apt {u}", "#{u}", "Unit {u}", "Apt. {u}")
    unit = forms[int(rng.integers(len(forms)))].format(u=a.unit if rng.random() < 0.6 else a.unit.lower())
    sep = ", " if rng.random() < 0.6 else " "
    pieces = [street] if not a.unit else ([unit, street] if rng.random() < 0.3 else [street, unit])
    text = sep.join([*pieces, a.city, f"{a.province} {a.postcode}"])
    case = rng.random()
    return text.upper() if case < 0.2 else text.lower() if case < 0.35 else text


def random_addr(language: str, rng: np.random.Generator) -> Addr:
    """One random address (used for drop addresses, lockers and warehouses)."""
    frame = address_parts(np.array([language == "zh"]), rng)
    row = frame.row(0, named=True)
    return addr_from_row(row)


def addr_from_row(row: dict[str, object]) -> Addr:
    return Addr(*(str(row[c]) for c in ADDR_COLUMNS))


def address_parts(is_zh: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """Random address parts for len(is_zh) rows, in ADDR_COLUMNS (vectorized)."""
    n = len(is_zh)
    zp = rng.integers(len(ZH_PLACES), size=n)
    ep = rng.integers(len(EN_PLACES), size=n)
    zh_places = np.array(ZH_PLACES)[zp]
    en_places = np.array(EN_PLACES)[ep]
    zh_street = (np.array(ZH_STREET_STEMS)[rng.integers(len(ZH_STREET_STEMS), size=n)].astype(object)
                 + np.array(ZH_STREET_SUFFIXES)[rng.integers(len(ZH_STREET_SUFFIXES), size=n)].astype(object))
    en_street = (np.array(EN_STREET_NAMES)[rng.integers(len(EN_STREET_NAMES), size=n)].astype(object) + " "
                 + np.array(EN_STREET_TYPES)[rng.integers(len(EN_STREET_TYPES), size=n)].astype(object))
    zh_num = rng.integers(1, 400, size=n)
    en_num = rng.integers(10, 9999, size=n)
    zh_unit = pl.format("{}栋{}{}", pl.Series(rng.integers(1, 30, n)), pl.Series(rng.integers(1, 33, n)),
                        pl.Series(rng.integers(1, 9, n)).cast(pl.Utf8).str.zfill(2))
    en_has_unit = rng.random(n) < 0.6
    letters = np.array(list("ABCDEF"))[rng.integers(6, size=n)]
    en_unit = np.where(en_has_unit, np.char.add(rng.integers(1, 30, n).astype(str), letters), "")
    postcode = np.char.add(en_places[:, 2], np.char.zfill(rng.integers(0, 100, n).astype(str), 2))
    df = pl.DataFrame({
        "zh": is_zh, "zp0": zh_places[:, 0], "zp1": zh_places[:, 1], "zp2": zh_places[:, 2],
        "ep0": en_places[:, 0], "ep1": en_places[:, 1], "zs": zh_street.astype(str), "es": en_street.astype(str),
        "zn": zh_num, "en": en_num, "eu": en_unit, "pc": postcode,
    }).with_columns(zu=pl.select(zh_unit).to_series())
    zh = pl.col("zh")
    return df.select(
        a_lang=pl.when(zh).then(pl.lit("zh")).otherwise(pl.lit("en")),
        a_prov=pl.when(zh).then("zp0").otherwise("ep1"),
        a_city=pl.when(zh).then("zp1").otherwise("ep0"),
        a_dist=pl.when(zh).then("zp2").otherwise(pl.lit("")),
        a_street=pl.when(zh).then("zs").otherwise("es"),
        a_num=pl.when(zh).then(pl.col("zn").cast(pl.Utf8)).otherwise(pl.col("en").cast(pl.Utf8)),
        a_unit=pl.when(zh).then("zu").otherwise("eu"),
        a_post=pl.when(zh).then(pl.lit("")).otherwise("pc"),
    )


def canonical_expr() -> pl.Expr:
    """Polars version of `Addr.canonical` over ADDR_COLUMNS."""
    head = pl.when(pl.col("a_prov") == pl.col("a_city")).then(pl.col("a_city")).otherwise(
        pl.col("a_prov") + pl.col("a_city"))
    zh = pl.concat_str([head, "a_dist", "a_street", "a_num", pl.lit("号"), "a_unit", pl.lit("室")])
    unit = pl.when(pl.col("a_unit") == "").then(pl.lit("")).otherwise(pl.lit(", Apt ") + pl.col("a_unit"))
    en = pl.concat_str([pl.col("a_num"), pl.lit(" "), "a_street", unit, pl.lit(", "), "a_city", pl.lit(", "),
                        "a_prov", pl.lit(" "), "a_post"])
    return pl.when(pl.col("a_lang") == "zh").then(zh).otherwise(en)


def written_expr(style: pl.Expr) -> pl.Expr:
    """How an account writes its address on one order: style 0 canonical, 1-3 formatting variants.

    zh: 1 omits the province, 2 spaces the parts, 3 full-width digits.
    en: 1 abbreviates the street type, 2 upper case, 3 `#unit` before the street.
    """
    canon = canonical_expr()
    head = pl.when(pl.col("a_prov") == pl.col("a_city")).then(pl.col("a_city")).otherwise(
        pl.concat_str(["a_prov", "a_city"], separator=" "))
    zh1 = pl.concat_str(["a_city", "a_dist", "a_street", "a_num", pl.lit("号"), "a_unit", pl.lit("室")])
    zh2 = pl.concat_str([head, "a_dist", "a_street", pl.concat_str(["a_num", pl.lit("号")]),
                         pl.concat_str(["a_unit", pl.lit("室")])], separator=" ")
    zh3 = canon.str.replace_many(list("0123456789"), list("０１２３４５６７８９"))
    abbrev = pl.col("a_street").str.replace_many(list(EN_ABBREV), list(EN_ABBREV.values()))
    unit = pl.when(pl.col("a_unit") == "").then(pl.lit("")).otherwise(pl.lit(", Apt ") + pl.col("a_unit"))
    en1 = pl.concat_str([pl.col("a_num"), pl.lit(" "), abbrev, unit, pl.lit(", "), "a_city", pl.lit(", "),
                         "a_prov", pl.lit(" "), "a_post"])
    hash_unit = pl.when(pl.col("a_unit") == "").then(pl.lit("")).otherwise(pl.lit("#") + pl.col("a_unit") + " ")
    en3 = pl.concat_str([hash_unit, pl.col("a_num"), pl.lit(" "), abbrev, pl.lit(" "), "a_city", pl.lit(" "),
                         "a_prov", pl.lit(" "), "a_post"])
    zh = pl.col("a_lang") == "zh"
    return (pl.when(style == 0).then(canon)
            .when(zh & (style == 1)).then(zh1).when(zh & (style == 2)).then(zh2).when(zh).then(zh3)
            .when(style == 1).then(en1).when(style == 2).then(canon.str.to_uppercase()).otherwise(en3))
