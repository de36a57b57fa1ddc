"""Complaint signals on hand-written transcripts (no model)."""

from __future__ import annotations

import pytest

from asr import extract_signals
from asr.digits import normalize_digits
from asr.entities import extract_entities
from asr.intents import detect_intents


@pytest.mark.parametrize(("text", "expected"), [
    ("order four five one two", "order 4512"),
    ("call double five six oh", "call 5560"),
    ("is 451-2339. 876.", "is 4512339876."),
    ("Order number 5 to 6, 1, 9, 8, 3, 0, 7, 4.", "Order number 5261983074."),
    ("from 5 to 6 days", "from 5 to 6 days"),  # a homophone only counts inside a long run
    ("one parcel for you", "one parcel for you"),
    ("手机号是幺三八幺二三四五六七八", "手机号是13812345678"),
    ("我一直没有收到三个", "我一直没有收到三个"),  # short runs of 一/三 are words
    ("订单１２３４５６７８９０", "订单1234567890"),
])
def test_normalize_digits(text: str, expected: str) -> None:
    assert normalize_digits(text) == expected


def test_order_and_phone_from_spoken_english() -> None:
    text = ("my order number is four five one two three three nine eight seven six, "
            "please call me at four one five two eight six zero one nine three")
    got = {(e.kind, e.value) for e in extract_entities(text)}
    assert got == {("order_id", "4512339876"), ("phone", "+14152860193")}


def test_phone_cue_decides_a_ten_digit_run_and_default_is_order() -> None:
    assert [e.kind for e in extract_entities("reach me at 7185362940")] == ["phone"]
    assert [e.kind for e in extract_entities("it is 7185362940")] == ["order_id"]


def test_chinese_mobile_and_order_from_spoken_mandarin() -> None:
    text = "订单号是四五一二三九八七六零，我的手机号是幺三八幺二三四五六七八"
    assert [(e.kind, e.value) for e in extract_entities(text)] == [
        ("order_id", "4512398760"), ("phone", "+8613812345678")]


def test_repeated_entities_are_reported_once() -> None:
    assert len(extract_entities("order 4512339876, again order 4512339876")) == 1


@pytest.mark.parametrize(("text", "intent"), [
    ("My parcel has not arrived yet", "not_received"),
    ("The box was empty and I want a refund", "empty_parcel"),
    ("It arrived broken", "damaged"),
    ("you sent me the wrong size", "wrong_item"),
    ("the coupon did not apply", "coupon"),
    ("I cannot log in, my password is rejected", "account_access"),
    ("I just want my money back", "refund"),
    ("what time do you open", "other"),
    ("我的包裹一直没有收到", "not_received"),
    ("箱子是空的，我要退款", "empty_parcel"),
    ("东西摔坏了", "damaged"),
    ("你们发错货了", "wrong_item"),
    ("优惠券用不了", "coupon"),
    ("账号登录不了", "account_access"),
    ("我要推寬", "refund"),  # a homophone mishearing still matches by pinyin (tui kuan)
])
def test_intents(text: str, intent: str) -> None:
    assert detect_intents(text)[0] == intent


def test_refund_ranks_after_the_reason() -> None:
    assert detect_intents("I want a refund, the item arrived damaged") == ("damaged", "refund")


def test_keywords_use_jieba_for_chinese_and_skip_stopwords_for_english() -> None:
    zh = extract_signals("我的快递一直没有收到，我要退款，快递员说已经送到了。", "zh").keywords
    assert "快递" in zh and "退款" in zh and all(len(k) > 1 for k in zh)
    en = extract_signals("The parcel never arrived. The parcel was paid.", "en").keywords
    assert en[0] == "parcel" and "the" not in en
