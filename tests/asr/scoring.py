"""Scoring lives in asr.scoring (bench/ uses it too); re-exported for the tests."""

from asr.scoring import cer, chars, edit_distance, wer, words

__all__ = ["cer", "chars", "edit_distance", "wer", "words"]
