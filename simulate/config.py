"""What one simulated day is a function of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from simulate.errors import SimulateError
from simulate.rings import DESIGNS

DIFFICULTIES = ("easy", "default", "hard")


@dataclass(frozen=True)
class SimConfig:
    """The world is a function of (seed, accounts, rings, difficulty); the day's activity adds `date`."""

    date: dt.date
    accounts: int = 3000
    rings: int = 10
    seed: int = 0
    difficulty: str = "default"  # easy | default | hard: how many modalities each ring shows
    media_fraction: float = 1.0  # share of returns / calls that get a photo / recording
    audio_fraction: float | None = None  # share of calls with a recording when it differs (None: media_fraction)
    label_fraction: float = 0.05  # share of ring members in reference/labels.csv as fraud
    legit_label_fraction: float = 0.01  # share of benign accounts confirmed legitimate
    label_noise: float = 0.05  # share of labels that are wrong
    workers: int = 2  # processes for media rendering
    # ring designs to rotate through (simulate/rings.py DESIGNS); () = the classic three kinds,
    # and the world is then exactly what it was before designs existed
    designs: tuple[str, ...] = ()
    # multiplies every account's ordinary order rate: a busier marketplace, or a day standing in for a
    # graph that holds a window of days; 1.0 is the world as it always was
    order_rate_scale: float = 1.0
    order_id_digits: int = 10  # order ids: 4 digits of day number, then the rest (10: 1M a day); returns and calls one less

    def __post_init__(self) -> None:
        if self.difficulty not in DIFFICULTIES:
            raise SimulateError(f"difficulty must be one of {DIFFICULTIES}, got {self.difficulty!r}")
        unknown = [d for d in self.designs if d not in DESIGNS]
        if unknown:
            raise SimulateError(f"unknown ring design(s) {unknown}; known: {', '.join(DESIGNS)}")
        if self.accounts < 100:
            raise SimulateError("accounts must be at least 100 (rings and look-alikes need room)")
        if not 8 <= self.order_id_digits <= 18:
            raise SimulateError("order_id_digits must be within [8, 18]")
        if not 0.0 < self.order_rate_scale <= 100.0:
            raise SimulateError("order_rate_scale must be within (0, 100]")
        if self.audio_fraction is not None and not 0.0 <= self.audio_fraction <= 1.0:
            raise SimulateError("audio_fraction must be within [0, 1]")
        for name in ("media_fraction", "label_fraction", "legit_label_fraction", "label_noise"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise SimulateError(f"{name} must be within [0, 1]")
