"""Complaint intents from transcript text, in English and Chinese.

A keyword lexicon per intent; Chinese also matches on toneless, "fuzzy" pinyin (zh/z, ch/c,
sh/s, -ng/-n merged, as input methods do), because Whisper's Mandarin errors are mostly
homophones: 退款 heard as 退宽 still says tui kuan.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

INTENTS = ("not_received", "empty_parcel", "damaged", "wrong_item", "coupon", "account_access", "refund", "other")
# Refund is what callers ask for, not why they call: it ranks after any specific reason.
_LAST = ("refund",)

LEXICON: dict[str, tuple[str, ...]] = {
    "not_received": ("never arrived", "not arrived", "didn't arrive", "did not arrive", "hasn't arrived",
                     "has not arrived", "never received", "not received", "didn't receive", "did not receive",
                     "haven't received", "have not received", "never got", "never came", "not delivered",
                     "never delivered", "lost my parcel", "lost my package", "where is my",
                     "没收到", "没有收到", "未收到", "收不到", "没到", "没有到", "还没到", "丢件", "丢了", "没送到", "没有送到"),
    "empty_parcel": ("was empty", "is empty", "empty box", "empty parcel", "empty package", "nothing inside",
                     "nothing in the box", "nothing in it",
                     "空的", "空盒", "空箱", "是空", "什么都没有", "里面没有东西"),
    "damaged": ("damaged", "broken", "smashed", "crushed", "cracked", "torn", "dented",
                "坏了", "破损", "损坏", "摔坏", "压坏", "碎了", "破了"),
    "wrong_item": ("wrong item", "wrong product", "wrong size", "wrong colour", "wrong color", "wrong one",
                   "not what i ordered", "different item", "sent me the wrong",
                   "发错", "送错", "不是我买的", "不是我要的", "货不对", "错的"),
    "coupon": ("coupon", "voucher", "promo code", "discount code", "discount", "promotion",
               "优惠券", "优惠", "折扣", "红包", "满减", "券"),
    "account_access": ("log in", "login", "sign in", "locked out", "account is locked", "account was locked",
                       "password", "can't access", "cannot access", "hacked", "verification code",
                       "登录", "登不上", "密码", "被锁", "验证码", "封号", "账号被盗"),
    "refund": ("refund", "money back", "reimburse", "chargeback", "return my money",
               "退款", "退钱", "退货", "赔偿", "返还"),
}

_CJK = re.compile(r"[\u4e00-\u9fff]")
_FUZZY = ((re.compile(r"^zh"), "z"), (re.compile(r"^ch"), "c"), (re.compile(r"^sh"), "s"),
          (re.compile(r"ng$"), "n"))


def _fuzzy(syllable: str) -> str:
    for pattern, repl in _FUZZY:
        syllable = pattern.sub(repl, syllable)
    return syllable


def _syllables(text: str) -> tuple[list[str], list[int]]:
    """Fuzzy toneless pinyin of each CJK character, with its character offset in `text`."""
    offsets = [m.start() for m in _CJK.finditer(text)]
    chars = "".join(text[i] for i in offsets)
    return [_fuzzy(s) for s in lazy_pinyin(chars)], offsets


@lru_cache(maxsize=512)
def _keyword_syllables(keyword: str) -> tuple[str, ...]:
    return tuple(_fuzzy(s) for s in lazy_pinyin(keyword))


def _first_match(text: str, lowered: str, syllables: list[str], offsets: list[int], keyword: str) -> int | None:
    if not _CJK.search(keyword):
        m = re.search(rf"(?<![a-z]){re.escape(keyword)}(?![a-z])", lowered)
        return m.start() if m else None
    at = text.find(keyword)
    if at >= 0:
        return at
    target = _keyword_syllables(keyword)
    if len(target) < 2:  # one syllable by sound matches far too much
        return None
    for i in range(len(syllables) - len(target) + 1):
        if tuple(syllables[i:i + len(target)]) == target:
            return offsets[i]
    return None


def detect_intents(text: str) -> tuple[str, ...]:
    """Intents found in `text`, most specific first: reasons by first mention, then refund; ("other",) if none."""
    lowered = text.lower()
    syllables, offsets = _syllables(text)
    found: dict[str, int] = {}
    for intent, keywords in LEXICON.items():
        hits = [p for k in keywords if (p := _first_match(text, lowered, syllables, offsets, k)) is not None]
        if hits:
            found[intent] = min(hits)
    if not found:
        return ("other",)
    return tuple(sorted(found, key=lambda i: (i in _LAST, found[i])))
