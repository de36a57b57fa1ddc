"""Which features and relations come from which source modality, for the ablation study.

One place decides what "without calls / photos / clickstream" removes, so training, the
evidence graph and the evaluation agree. Features are matched by name (never by column
position); any `fp_*` account feature is a behaviour-fingerprint statistic.
"""

from __future__ import annotations

from dataclasses import dataclass

MODALITIES = ("calls", "photos", "clickstream")


@dataclass(frozen=True)
class ModalitySpec:
    feature_names: frozenset[str]  # exact account/other feature names
    feature_prefixes: tuple[str, ...]  # any feature starting with one of these
    relations: frozenset[str]  # relation names (the middle of an edge key)


_SPECS: dict[str, ModalitySpec] = {
    # asr/: who called, about what, from which phone.
    "calls": ModalitySpec(frozenset({"n_calls"}), ("intent_",), frozenset({"called_from"})),
    # vision/: labels read off returned parcels and their match to known fraud addresses.
    "photos": ModalitySpec(frozenset({"max_fraud_match"}), (), frozenset({"label_address"})),
    # ingest/ clickstream fingerprints and the similarity pairs built from them.
    "clickstream": ModalitySpec(frozenset({"n_similar"}), ("fp_",), frozenset({"behaves_like"})),
}


def spec(modality: str) -> ModalitySpec:
    if modality not in _SPECS:
        raise ValueError(f"unknown modality {modality!r}; choose from {', '.join(MODALITIES)}")
    return _SPECS[modality]


def dropped_feature(name: str, drop: frozenset[str]) -> bool:
    """True when feature `name` comes from a modality in `drop`."""
    return any(name in spec(m).feature_names or name.startswith(spec(m).feature_prefixes) for m in drop)


def dropped_relation(relation: str, drop: frozenset[str]) -> bool:
    return any(relation in spec(m).relations for m in drop)
