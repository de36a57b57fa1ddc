"""The records vision/ hands to the rest of riskgraph (frozen, no dicts across the boundary)."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.normalize import AddressParts


@dataclass(frozen=True)
class Detection:
    """One detected box in photo pixels (x right, y down), as the detector saw it."""

    cls: str  # "label" | "address_block"
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float  # detector score in [0, 1]


@dataclass(frozen=True)
class OcrLine:
    """One text line from Tesseract on the rectified label, in reading order."""

    text: str  # spaces Tesseract puts between CJK characters removed
    confidence: float  # mean word confidence, 0..100 (Tesseract's scale)


@dataclass(frozen=True)
class Rule:
    """A printed vertical rule on a label: it separates the text on the rows it spans, no others."""

    x: int  # centre, pixels
    y0: int
    y1: int


@dataclass(frozen=True)
class RowRule:
    """A printed horizontal rule on a label: carriers draw them between blocks, so no block of text
    (an address, a name over its phone) continues across one."""

    y: int  # centre, pixels
    x0: int
    x1: int


@dataclass(frozen=True)
class TextLine:
    """One run of words on one Tesseract text line, split at column rules and wide gaps (layout input)."""

    text: str  # spaces between CJK characters removed
    confidence: float  # mean word confidence, 0..100
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the image OCR read

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


@dataclass(frozen=True)
class LabelParty:
    """The recipient or sender block of a label, as read."""

    name: str
    phone_raw: str
    phone: str | None  # E.164 via ingest.normalize.normalize_phone, None if unrecognized
    address: str  # the address lines joined (CJK without spaces, English with one space)
    address_key: str  # ingest.normalize.address_key(address); "" if no address was read
    address_parts: AddressParts | None  # ingest.normalize.parse_address(address); None if no address


@dataclass(frozen=True)
class LabelFields:
    language: str  # "zh" | "en" (from the script of the text read)
    recipient: LabelParty
    sender: LabelParty | None
    tracking_no: str


@dataclass(frozen=True)
class FraudMatch:
    """The best fraud-list entry for an address, kept only when score >= the threshold."""

    entry: str  # the fraud list's address, as written there
    entry_key: str
    score: float  # rapidfuzz ratio of the two address keys, 0..100
    row: int  # 0-based data row in reference/fraud_addresses.csv


@dataclass(frozen=True)
class LabelRead:
    """Everything read from one parcel photo."""

    label: Detection
    address_block: Detection | None
    skew_deg: float  # rotation removed before OCR, degrees, counter-clockwise positive
    lines: tuple[OcrLine, ...]
    fields: LabelFields
    fraud: FraudMatch | None
