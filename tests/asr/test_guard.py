"""The loop guard and the speech map on hand-made transcripts (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from asr.guard import cut_repeats, guard
from asr.speech import join_speech
from asr.transcript import Segment, Transcript


@pytest.mark.parametrize(("text", "cjk", "expected"), [
    ("我想说一句话说一句话说一句话说一句话说一句话", True, "我想说一句话"),
    ("您好，您好，您好，您好，您好，我的订单没到", True, "您好，我的订单没到"),
    ("no no no no no no no way", False, "no way"),
])
def test_loops_are_cut_to_one_copy(text: str, cjk: bool, expected: str) -> None:
    assert cut_repeats(text, cjk) == (expected, True)


@pytest.mark.parametrize(("text", "cjk"), [
    ("call 555 5555 or 555 5555", False),  # digits repeat in real numbers
    ("好好好，谢谢谢谢", True),  # a few repeats are how people talk
    ("thank you thank you", False),
    ("幺三八幺三八幺三八幺三八", True),  # an id read out digit by digit
])
def test_ordinary_speech_is_left_alone(text: str, cjk: bool) -> None:
    assert cut_repeats(text, cjk) == (text, False)


def _t(language: str, *texts: tuple[float, float, str]) -> Transcript:
    segs = tuple(Segment(a, b, x, -0.2, 0.1) for a, b, x in texts)
    return Transcript(language, None, " ".join(x for _, _, x in texts), segs, 10.0, "m", "b")


def test_a_segment_repeating_the_previous_one_is_dropped() -> None:
    t = guard(_t("en", (0, 2, "You can't do anything."), (2, 4, "You can't do anything.")))
    assert t.text == "You can't do anything." and "repeated_segment" in t.flags


def test_text_longer_than_the_speech_could_hold_is_cut() -> None:
    t = guard(_t("zh", (0, 1.0, "我的快递一直没有收到我要退款请尽快处理谢谢你们的客服")), speech_seconds=1.0)
    assert len(t.text) == 14 and "over_length_cut" in t.flags  # 10 characters a second + 4 slack
    assert guard(_t("en", (0, 3, "my parcel has not arrived yet")), 3.0).flags == ()


def test_speech_map_puts_segments_back_at_call_time() -> None:
    audio = np.zeros(16_000 * 10, dtype=np.float32)
    joined, m = join_speech(audio, [(16_000 * 2, 16_000 * 3), (16_000 * 7, 16_000 * 9)])
    assert m.speech_seconds == pytest.approx(3.0) and len(joined) == 16_000 * 3 + 2 * 1_600
    assert m.to_call_time(0.5) == pytest.approx(2.5) and m.to_call_time(1.1 + 0.5) == pytest.approx(7.5)


def test_a_digit_loop_and_a_letter_loop_in_chinese_are_cut() -> None:
    assert cut_repeats("我的电池252.1.3.1.4.8" + ".4" * 40, True) == ("我的电池252.1.3.1.4.8.4", True)
    assert cut_repeats("联系电话一堂QQQQQQQQQQQQQQ", True) == ("联系电话一堂Q", True)
