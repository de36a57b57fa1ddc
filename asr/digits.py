"""Spoken digits -> digit strings, for order numbers and phones read out on a call.

Callers read ids digit by digit ("four five one two", "幺三八…") and Whisper writes them as
words, digits, or digits broken by spaces, commas and hyphens ("451-2339, 876"). `normalize_digits`
rewrites all of these to one run of ASCII digits so entity patterns see "4512339876".
"""

from __future__ import annotations

import re

EN_DIGITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
             "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_EN_REPEAT = {"double": 2, "triple": 3}
# Words Whisper writes for a digit it heard inside a read-out number ("5 to 6, 1, 9" is 5261...).
# Only trusted inside a long run (MIN_HOMOPHONE_RUN digits), where "5 to 6 days" cannot occur.
# tiny.en writes "free"/"tree" for three, "find"/"fine"/"time" for five, "nero" for zero in read-out ids
# ("time" found on bench/asr_ids.py's tune sentences: "1-time-8" for 1 5 8, "time 03" for 5 0 3).
EN_HOMOPHONES = {"to": "2", "too": "2", "for": "4", "won": "1", "ate": "8", "free": "3", "tree": "3", "find": "5",
                 "fine": "5", "time": "5", "nero": "0"}
MIN_HOMOPHONE_RUN = 7
# 幺 is how Mandarin speakers read 1 in numbers; 两 reads 2; 洞 is the radio-style 0.
ZH_DIGITS = {"零": "0", "〇": "0", "洞": "0", "幺": "1", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# A run of Chinese digit characters shorter than this is a word (一直, 三个), not a number read out.
MIN_ZH_RUN = 4
# Characters (and the letter Q, which is how "jiu" sounds to Whisper) written for a digit heard in a
# number read out in Mandarin. Trusted only inside a run of MIN_HOMOPHONE_RUN digits where they are
# at most a third of it: "9" for 酒 in 酒店 never changes.
ZH_HOMOPHONES = {"Q": "9", "q": "9", "酒": "9", "久": "9", "腰": "1", "要": "1", "妖": "1", "邀": "1",
                 "令": "0", "另": "0", "领": "0", "灵": "0", "铃": "0", "凌": "0", "动": "0", "冻": "0",
                 "吧": "8", "爸": "8", "巴": "8", "思": "4", "死": "4", "司": "4", "斯": "4", "期": "7",
                 "溜": "6", "刘": "6", "流": "6", "武": "5", "舞": "5", "伍": "5", "散": "3", "伞": "3",
                 # found on bench/asr_ids.py's tune sentences: 有 (you) for 幺 (yao), 亿 for 一, and 十
                 # for 四 (si heard as shi, as southern speakers merge them; digit by digit, 十 is never said)
                 "有": "1", "又": "1", "亿": "1", "十": "4"}

_EN_WORD = re.compile(r"\b(?:(?:double|triple)[\s-]+)?(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b",
                      re.IGNORECASE)
# Two or more spoken digits in a row, separated by spaces/commas/hyphens.
_EN_RUN = re.compile(rf"{_EN_WORD.pattern}(?:[\s,.-]+{_EN_WORD.pattern})+", re.IGNORECASE)
_ZH_DIGIT = f"[{''.join(ZH_DIGITS)}0-9０-９]"
# Digit characters read out in groups ("幺三八，幺二三四，五六七八"): separators inside a run are dropped.
_ZH_RUN = re.compile(f"{_ZH_DIGIT}(?:[\\s,，、-]?{_ZH_DIGIT}){{{MIN_ZH_RUN - 1},}}")
# Digit groups split by a space, or by a comma, hyphen or full stop with an optional space: Whisper
# splits a number read out slowly ("451-2339. 876"). Cost: "2, 3 days" also becomes "23".
_GROUPED = re.compile(r"\d+(?:(?:[,.，。、-]\s?|\s)\d+)+")


_TOKEN = rf"(?:\d+|{_EN_WORD.pattern}|\b(?:{'|'.join(EN_HOMOPHONES)})\b)"
_MIXED_RUN = re.compile(rf"{_TOKEN}(?:[\s,.-]+{_TOKEN})+", re.IGNORECASE)


def _mixed_run(m: re.Match[str]) -> str:
    """A run of digits, digit words and homophones: converted only when it is long enough to be an id."""
    tokens = re.findall(r"\d+|[a-z]+", m.group().lower())
    if not any(t in EN_HOMOPHONES for t in tokens):
        return m.group()
    digits = "".join(t if t.isdigit() else EN_HOMOPHONES.get(t) or EN_DIGITS.get(t, "") for t in tokens
                     if t not in _EN_REPEAT)
    return digits if len(digits) >= MIN_HOMOPHONE_RUN else m.group()


def _en_run_to_digits(run: str) -> str:
    out: list[str] = []
    repeat = 1
    for word in re.findall(r"[a-z]+", run.lower()):
        if word in _EN_REPEAT:
            repeat = _EN_REPEAT[word]
            continue
        out.append(EN_DIGITS[word] * repeat)
        repeat = 1
    return "".join(out)


def _zh_run_to_digits(run: str) -> str:
    digits = [c for c in run if c in ZH_DIGITS or c.isdigit()]
    if not any(c in ZH_DIGITS for c in digits):
        return run  # Arabic digits only: left to the grouping rule (keeps "2, 3 days" logic in one place)
    return "".join(ZH_DIGITS.get(c) or str(int(c)) if not c.isascii() else c for c in digits)


_ZH_ANY = f"[{''.join(ZH_DIGITS)}{''.join(ZH_HOMOPHONES)}0-9０-９]"
_ZH_MIXED = re.compile(f"{_ZH_ANY}(?:[\\s,，、.-]?{_ZH_ANY}){{{MIN_HOMOPHONE_RUN - 1},}}")


def _zh_mixed_run(m: re.Match[str]) -> str:
    chars = [c for c in m.group() if c in ZH_DIGITS or c in ZH_HOMOPHONES or c.isdigit()]
    homophones = sum(c in ZH_HOMOPHONES and c not in ZH_DIGITS for c in chars)
    if not homophones or homophones * 3 > len(chars):
        return m.group()
    return "".join(ZH_DIGITS.get(c) or ZH_HOMOPHONES.get(c) or str(int(c)) for c in chars)


# Whisper writes "double five" as "double 5" or "double 5-0": the word stays, the digit does not.
_REPEAT_DIGIT = re.compile(r"\b(double|triple)[\s-]+(\d)", re.IGNORECASE)
_REPEAT_WORD = re.compile(r"\b(double|triple)[\s-]+(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b",
                          re.IGNORECASE)  # alone, "double five" is still digits


def normalize_digits(text: str) -> str:
    """Rewrite spoken or split digit sequences as single runs of ASCII digits.

    "order four five one two" -> "order 4512"; "幺三八幺二三四" -> "1381234"; "451-23 39" -> "4512339".
    A lone "one" stays a word ("one parcel"): only two or more digit words in a row convert.
    """
    text = _REPEAT_DIGIT.sub(lambda m: m.group(2) * _EN_REPEAT[m.group(1).lower()], text)
    text = _ZH_MIXED.sub(_zh_mixed_run, text)
    text = _MIXED_RUN.sub(_mixed_run, text)
    text = _EN_RUN.sub(lambda m: _en_run_to_digits(m.group()), text)
    text = _REPEAT_WORD.sub(lambda m: _en_run_to_digits(m.group()), text)
    text = _ZH_RUN.sub(lambda m: _zh_run_to_digits(m.group()), text)
    text = text.translate({ord("０") + i: str(i) for i in range(10)})
    return _GROUPED.sub(lambda m: re.sub(r"\D", "", m.group()), text)
