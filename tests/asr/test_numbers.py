"""Spoken numbers: every form the parser knows (text), and English forms on speech (real weights)."""

from __future__ import annotations

from pathlib import Path

import pytest

from asr.audio import load_audio
from asr.digits import normalize_digits
from asr.entities import EntityConfig, extract_entities
from asr.transcriber import RoutingTranscriber
from testing.audio import speak_en


@pytest.mark.parametrize(("text", "expected"), [
    ("手机幺三八幺二三四五六七八", "手机13812345678"),  # 幺 = 1
    ("两两三四五六七", "2234567"),  # 两 = 2
    ("零零幺二三四", "001234"),  # 零 = 0
    ("洞洞幺二三四", "001234"),  # 洞 = 0 (radio style)
    ("幺三八，幺二三四，五六七八", "13812345678"),  # read in groups
    ("幺三八 1234 五六七八", "13812345678"),  # characters and digits mixed
    ("电话是13QQ535Q76", "电话是1399535976"),  # Whisper's "Q" for 九 (jiu) inside a long run
    ("我住在酒店", "我住在酒店"),  # ... but never outside one
    ("four one five oh", "4150"),  # "oh" = 0
    ("double five six", "556"),
    ("triple seven two", "7772"),
    ("double-five", "55"),
    ("at 415, double 5-0, triple 7-1", "at 4155507771"),  # as Whisper writes them
    ("order 2.5 to 1.81 free Nero 96 last week", "order 2521813096 last week"),  # tiny.en's homophones in a run
    ("order to find 2 1 4 5", "order to find 2145"),  # a run under 7 digits keeps its words
    ("a free gift for two", "a free gift for two"),  # homophones outside a long run are words
])
def test_spoken_number_forms(text: str, expected: str) -> None:
    assert normalize_digits(text) == expected


def test_phones_of_china_and_the_us() -> None:
    got = extract_entities("我的手机号是幺三八幺二三四五六七八, call me at four one five two eight six zero one nine three")
    assert [(e.kind, e.value) for e in got] == [("phone", "+8613812345678"), ("phone", "+14152860193")]


def test_order_ids_follow_the_configured_pattern() -> None:
    twelve = EntityConfig(order_pattern=r"\d{12}")
    assert [e.value for e in extract_entities("order 4512 3398 7612", twelve)] == ["451233987612"]
    assert extract_entities("order 4512339876", twelve) == ()  # ten digits: not this shop's order
    lettered = EntityConfig(order_pattern=r"SO\d{8}")
    assert [e.value for e in extract_entities("订单号是SO12345678", lettered)] == ["SO12345678"]


def test_a_mention_links_to_a_known_order_even_when_its_id_has_letters() -> None:
    known = EntityConfig(known_orders=frozenset({"SO-4512339876", "SO-1111111111"}))
    (e,) = extract_entities("my order is four five one two three three nine eight seven six", known)
    assert (e.kind, e.value, e.linked) == ("order_id", "SO-4512339876", True)
    (u,) = extract_entities("order 7031284659", EntityConfig(known_orders=frozenset({"SO-4512339876"})))
    assert (u.value, u.linked) == ("7031284659", False)  # fits the pattern, but no such order today


def test_an_eleven_digit_order_pattern_still_leaves_mobiles_to_their_cue() -> None:
    cfg = EntityConfig(order_pattern=r"\d{11}")
    got = extract_entities("订单号是25213314840，手机号幺三九幺二三四五六七八", cfg)
    assert [(e.kind, e.value) for e in got] == [("order_id", "25213314840"), ("phone", "+8613912345678")]


@pytest.mark.integration
def test_double_triple_and_oh_on_speech(tmp_path: Path, transcriber: RoutingTranscriber) -> None:
    path = speak_en("Please call me back at four one five, double five oh, triple seven one.", tmp_path / "n.wav")
    t = transcriber.transcribe(load_audio(path, 600), "en")
    assert [(e.kind, e.value) for e in extract_entities(t.text)] == [("phone", "+14155507771")], t.text


def test_my_number_after_an_order_is_a_phone() -> None:
    got = extract_entities("order 2521236259, I want a refund. My number in 3, 1, 2, 8, 9, 3, 4, 3, 2, 5.")
    assert [(e.kind, e.value) for e in got] == [("order_id", "2521236259"), ("phone", "+13128934325")]
    (o,) = extract_entities("my order number is 2521236259")
    assert o.kind == "order_id"
