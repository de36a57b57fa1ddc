"""Spoken order numbers and phones: calls made for it, read the way callers read ids (in groups).

    PYTHONPATH=. .venv/bin/python bench/asr_ids.py [--calls 10] [--seed 7] [--json OUT]

Each call is one of a few sentences of its own (not the simulator's templates, which the parser
was developed on) naming an order and a callback phone, spoken by espeak-ng through the
simulator's telephone channel (simulate.media.speech: random voice, speed, pitch, line noise).
Ids are read in groups with pauses, as people read them: orders 4-3-3, US phones 3-3-4, Chinese
mobiles 3-4-4 with 1 read as 幺 (yao). Half the orders are the shop's ten-digit ids, half twelve
digits under `--pattern`-style config (the shop's format). The language is detected (en, zh).
Scored: each order found and linked to the known orders, each phone found (E.164).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from riskgraph.offline import configure_offline  # noqa: E402

SENTENCES = {
    "en": ("Hi, I am calling about my order, the number is {order}. It never arrived. My phone is {phone}.",
           "Hello. Order number {order} came damaged. Please call me back on {phone}, thank you.",
           "I want to return order {order}. You can reach me at {phone}."),
    "zh": ("你好，我想问一下订单{order}，一直没有到，我的手机是{phone}。",
           "喂，您好，订单号{order}的东西坏了，请回电{phone}，谢谢。",
           "我要退订单{order}，联系电话{phone}。"),
}
ORDER_FORMATS = {"ten": (r"\d{10}", 10, (4, 3, 3)), "twelve": (r"\d{12}", 12, (4, 4, 4))}


def grouped(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    out, at = [], 0
    for n in sizes:
        out.append(digits[at:at + n])
        at += n
    return sep.join(out)


def make_calls(n: int, seed: int) -> list[dict[str, object]]:
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
        options = SENTENCES[lang]
        text = options[int(rng.integers(len(options)))].format(order=order_said, phone=phone_said)
        calls.append({"id": f"ID{i:03d}", "lang": lang, "format": fmt, "order": order, "phone": e164, "said": text})
    return calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=10, help="calls per language")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="asr-ids-") as tmp:
        configure_offline(Path(tmp) / "var")
        from asr.audio import load_channels
        from asr.entities import EntityConfig
        from asr.signals import extract_signals
        from asr.transcriber import AsrConfig, make_transcriber
        from simulate.media.speech import pick_voice, render_call

        calls = make_calls(args.calls, args.seed)
        rng = np.random.default_rng(args.seed + 1)
        for c in calls:
            path = Path(tmp) / f"{c['id']}.wav"
            render_call(str(c["said"]), str(c["lang"]), pick_voice(str(c["lang"]), rng), path)
            c["audio"] = str(path)
        known = frozenset(str(c["order"]) for c in calls)
        transcriber = make_transcriber(AsrConfig(cache_dir=ROOT / "var" / "cache" / "asr"))
        rows = []
        t0, cpu0, audio_s = time.perf_counter(), time.process_time(), 0.0
        for c in calls:
            pattern = ORDER_FORMATS[str(c["format"])][0]
            channels = load_channels(Path(str(c["audio"])), 600)
            audio_s += len(channels[0]) / 16_000
            t = transcriber.transcribe_channels(channels, None)
            signals = extract_signals(t.text, t.language, EntityConfig(order_pattern=pattern, known_orders=known))
            ents = signals.entities
            rows.append({**c, "heard": t.language, "text": t.text, "flags": list(t.flags),
                         "order_found": any(e.kind == "order_id" and e.value == c["order"] for e in ents),
                         "order_linked": any(e.kind == "order_id" and e.value == c["order"] and e.linked for e in ents),
                         "phone_found": any(e.kind == "phone" and e.value == c["phone"] for e in ents)})
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    for r in rows:
        print(f"{r['id']} {r['lang']} heard {r['heard']} order {'Y' if r['order_found'] else '-'}"
              f"{'L' if r['order_linked'] else ' '} phone {'Y' if r['phone_found'] else '-'}  {r['text'][:100]}")
    for lang in ("en", "zh"):
        sel = [r for r in rows if r["lang"] == lang]
        found = sum(r["order_found"] for r in sel) + sum(r["phone_found"] for r in sel)
        print(f"{lang}: {len(sel)} calls, language right {sum(r['heard'] == lang for r in sel)}, "
              f"orders {sum(r['order_found'] for r in sel)}/{len(sel)} (linked {sum(r['order_linked'] for r in sel)}), "
              f"phones {sum(r['phone_found'] for r in sel)}/{len(sel)}: ids {found}/{2 * len(sel)}")
    ids = sum(r["order_found"] for r in rows) + sum(r["phone_found"] for r in rows)
    print(f"spoken ids extracted: {ids}/{2 * len(rows)} = {ids / max(2 * len(rows), 1):.1%}; "
          f"{audio_s:.0f} s of audio, wall {wall:.0f} s, CPU {cpu:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
