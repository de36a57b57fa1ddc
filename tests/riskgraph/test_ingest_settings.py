"""The [ingest] table of riskgraph.toml: timezone and column mapping reach IngestConfig; bad values are one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import RiskgraphError
from riskgraph.settings import load_settings
from riskgraph.wiring import ingest_config

TOML = '''
[ingest]
timezone = "Asia/Shanghai"
max_key_chars = 128

[ingest.columns."orders.csv"]
order_id = "OrderNo"
created_at = "Placed At"
'''


def test_timezone_and_columns_come_from_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / "riskgraph.toml").write_text(TOML)
    cfg = ingest_config(load_settings(env={}, config_file=tmp_path / "riskgraph.toml"))
    assert cfg.timezone == "Asia/Shanghai" and cfg.max_key_chars == 128
    assert cfg.renames("orders.csv")["order_id"] == "OrderNo"
    assert cfg.renames("orders.csv")["seller_id"] == "seller_id"


def test_a_bad_zone_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "riskgraph.toml").write_text('[ingest]\ntimezone = "China"\n')
    with pytest.raises(RiskgraphError, match=r'table "ingest": timezone \'China\' is not an IANA time zone'):
        ingest_config(load_settings(env={}, config_file=tmp_path / "riskgraph.toml"))
