"""Complaint signals: what a call is about (intents), its salient words, and the ids it names."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from asr.entities import DEFAULT_ENTITIES, Entity, EntityConfig, extract_entities
from asr.intents import detect_intents

MAX_KEYWORDS = 8
_EN_STOP = frozenset("""a about after again all am an and any are as at be been but by can could did didn't do does
don't for from get got had has have hello hi how i i'm if in into is it it's its just me my no not of on or our
please so that the their them then there this to was we were what when where which who will with would you your
yes okay ok thank thanks also""".split())
_ZH_STOP = frozenset("我要 我的 你好 谢谢 一直 没有 请给 是的 就是 这个 那个 我们 你们 他们 然后 因为 所以 可以 现在".split())
_EN_WORD = re.compile(r"[a-z][a-z']+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class ComplaintSignals:
    """Signals from one transcript."""

    intents: tuple[str, ...]  # most specific first; ("other",) when nothing matched
    keywords: tuple[str, ...]  # at most MAX_KEYWORDS salient words
    entities: tuple[Entity, ...]  # order ids and phones, in order of mention

    @property
    def primary_intent(self) -> str:
        return self.intents[0]

    @property
    def order_ids(self) -> tuple[str, ...]:
        return tuple(e.value for e in self.entities if e.kind == "order_id")

    @property
    def phones(self) -> tuple[str, ...]:
        return tuple(e.value for e in self.entities if e.kind == "phone")


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import warnings

    with warnings.catch_warnings():  # jieba imports pkg_resources, which warns on import
        warnings.simplefilter("ignore")
        import jieba
        import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    return jieba.analyse


def keywords(text: str, language: str) -> tuple[str, ...]:
    """Salient words: jieba TF-IDF tags for Chinese, frequent non-stopwords for other languages."""
    if language == "zh" or _CJK.search(text):
        tags = _jieba().extract_tags(text, topK=MAX_KEYWORDS * 2)
        return tuple(t for t in tags if not t.isdigit() and len(t) > 1 and t not in _ZH_STOP)[:MAX_KEYWORDS]
    words = [w for w in _EN_WORD.findall(text.lower()) if w not in _EN_STOP and len(w) > 2]
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return tuple(sorted(counts, key=lambda w: -counts[w])[:MAX_KEYWORDS])  # stable: ties keep first mention


def extract_signals(text: str, language: str, entities: EntityConfig = DEFAULT_ENTITIES) -> ComplaintSignals:
    return ComplaintSignals(intents=detect_intents(text), keywords=keywords(text, language),
                            entities=extract_entities(text, entities))
