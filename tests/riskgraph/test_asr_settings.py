"""ASR settings reach AsrConfig: each model's beam from the environment."""

from __future__ import annotations

from pathlib import Path

from riskgraph.settings import load_settings
from riskgraph.wiring import asr_config


def test_the_multilingual_beam_is_its_own_setting(tmp_path: Path) -> None:
    none = tmp_path / "none.toml"
    default = asr_config(load_settings({}, none))
    assert (default.beam_size, default.multilingual_beam_size) == (5, None)
    env = {"RISKGRAPH_ASR_BEAM_SIZE": "4", "RISKGRAPH_ASR_MULTILINGUAL_BEAM_SIZE": "1"}
    config = asr_config(load_settings(env, none))
    assert (config.beam_size, config.multilingual_beam_size) == (4, 1)
