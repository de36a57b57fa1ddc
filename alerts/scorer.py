"""The in-memory scorer: ring alerts indexed by account, device, address key and phone; one
decision per event.

Pure and single-threaded: no I/O here (alerts.stream and kafka_io feed it). A new
alert set is swapped in as a whole (`Scorer.use`), so a decision never sees half an update.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from alerts.identifiers import AddressMatcher, PhoneMatcher
from alerts.model import Decision, Event, RingAlert

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoringPolicy:
    """Thresholds and weights (docs/alerts.md, "How an event is scored")."""

    review_at: float = 0.5  # score >= review_at -> review
    block_at: float = 0.8  # score >= block_at -> block (never for a login)
    link_cap: float = 0.75  # a non-member tied only by identifiers stays below block_at
    device_weight: float = 0.9
    phone_weight: float = 0.8
    address_weight: float = 0.8


@dataclass(frozen=True)
class _Ring:
    ring_id: str
    kind: str
    score: float
    build_id: str


@dataclass(frozen=True)
class AlertIndex:
    """Lookup tables from identifiers to the rings that name them (built once per alert set)."""

    members: dict[str, tuple[tuple[_Ring, float, str], ...]]  # account -> (ring, member score, role)
    devices: dict[str, tuple[_Ring, ...]]
    addresses: dict[str, tuple[_Ring, ...]]
    phones: dict[str, tuple[_Ring, ...]]
    build_id: str | None  # the newest build among the alerts
    size: int  # number of alerts
    address_matcher: AddressMatcher  # raw ship address -> one of `addresses`' keys
    phone_matcher: PhoneMatcher  # raw phone -> one of `phones`' keys

    @classmethod
    def build(cls, alerts: Iterable[RingAlert]) -> AlertIndex:
        members: dict[str, list[tuple[_Ring, float, str]]] = {}
        devices: dict[str, list[_Ring]] = {}
        addresses: dict[str, list[_Ring]] = {}
        phones: dict[str, list[_Ring]] = {}
        n = 0
        build_id: str | None = None
        for a in alerts:
            n += 1
            ring = _Ring(a.ring_id, a.kind, a.score, a.build_id)
            build_id = a.build_id if build_id is None else max(build_id, a.build_id)
            for m in a.members:
                members.setdefault(m.account_id, []).append((ring, m.score, m.role))
            for table, keys in ((devices, a.indicators.devices), (addresses, a.indicators.address_keys),
                                (phones, a.indicators.phones)):
                for k in keys:
                    table.setdefault(k, []).append(ring)
        return cls({k: tuple(v) for k, v in members.items()}, {k: tuple(v) for k, v in devices.items()},
                   {k: tuple(v) for k, v in addresses.items()}, {k: tuple(v) for k, v in phones.items()},
                   build_id, n, AddressMatcher(addresses), PhoneMatcher(phones))


EMPTY_INDEX = AlertIndex.build(())


class Scorer:
    """decide(event) -> Decision against the current index."""

    def __init__(self, index: AlertIndex = EMPTY_INDEX, policy: ScoringPolicy | None = None) -> None:
        self._index = index
        self._policy = policy or ScoringPolicy()

    @property
    def index(self) -> AlertIndex:
        return self._index

    def use(self, index: AlertIndex) -> None:
        """Swap in a new alert set (one reference assignment: atomic for the decide loop)."""
        self._index = index
        log.info("scorer now uses %d ring alerts (build %s)", index.size, index.build_id)

    def decide(self, event: Event) -> Decision:
        """Score = noisy-or of the hits: membership 0.5 + 0.5 * ring score * member score; a
        device / phone / ship address named by a ring, link_cap * weight * ring score.

        The hot path: most events hit nothing, and pay only a dict lookup per identifier (and
        the matchers' pre-filters) before the shared allow decision is built."""
        idx = self._index
        hits: list[tuple[float, str, str]] = []  # (score, ring_id, reason)
        memberships = idx.members.get(event.account_id)
        if memberships:
            for ring, member_score, role in memberships:
                hits.append((0.5 + 0.5 * ring.score * member_score, ring.ring_id,
                             f"account {event.account_id} is a {role} (score {member_score:.2f}) of ring "
                             f"{ring.ring_id} ({ring.kind}, score {ring.score:.2f})"))
        p = self._policy
        if event.device_id is not None and (rings := idx.devices.get(event.device_id)):
            _link_hits(hits, "device", event.device_id, rings, p.link_cap * p.device_weight)
        if event.phone and (phone := idx.phone_matcher.phone_of(event.phone)):
            _link_hits(hits, "phone", phone, idx.phones[phone], p.link_cap * p.phone_weight)
        if event.ship_address and (address := idx.address_matcher.key_of(event.ship_address)):
            _link_hits(hits, "ship address", address, idx.addresses[address], p.link_cap * p.address_weight)
        if not hits:
            return Decision(event.event_id, event.account_id, "allow", 0.0, None, (), idx.build_id)
        hits.sort(key=lambda h: (-h[0], h[1], h[2]))
        miss = 1.0
        for s, _, _ in hits:
            miss *= 1.0 - min(max(s, 0.0), 1.0)
        score = round(1.0 - miss, 6)
        if score >= p.block_at and event.type != "login":  # a login is reviewed, never blocked
            verdict = "block"
        elif score >= p.review_at:
            verdict = "review"
        else:
            verdict = "allow"
        return Decision(event.event_id, event.account_id, verdict, score, hits[0][1],
                        tuple(h[2] for h in hits), idx.build_id)


def _link_hits(hits: list[tuple[float, str, str]], what: str, value: str, rings: tuple[_Ring, ...],
               weight: float) -> None:
    for ring in rings:
        hits.append((weight * ring.score, ring.ring_id,
                     f"{what} {value} is shared by ring {ring.ring_id} ({ring.kind}, score {ring.score:.2f})"))


class AlertSet:
    """The latest alert per ring_id, restricted to the newest build seen (a new nightly build
    replaces the previous one's rings). Feeds apply upserts and deletions, then `index()`."""

    def __init__(self) -> None:
        self._alerts: dict[str, RingAlert] = {}

    def replace(self, alerts: Iterable[RingAlert]) -> None:
        self._alerts = {}
        for a in alerts:
            self.upsert(a)

    def upsert(self, alert: RingAlert) -> None:
        self._alerts[alert.ring_id] = alert

    def delete(self, ring_id: str) -> None:
        self._alerts.pop(ring_id, None)

    def index(self) -> AlertIndex:
        if not self._alerts:
            return EMPTY_INDEX
        newest = max(a.build_id for a in self._alerts.values())
        self._alerts = {k: a for k, a in self._alerts.items() if a.build_id == newest}
        return AlertIndex.build(self._alerts.values())
