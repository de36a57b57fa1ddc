"""vision: parcel-label photos → OCR'd, normalized, fraud-checked addresses.

Seams (built by the composition root, passed in): `LabelDetector` (ultralytics, our weights),
`TesseractOcr`, `FraudAddressIndex`; `LabelReader` wires them for one photo and `read_day` runs a
day's returns.csv in a process pool.
"""

from pathlib import Path

from vision.batch import BatchResult, ReaderSpec, read_day
from vision.errors import BadPhotoError, VisionError
from vision.fraud import FraudAddressIndex, read_fraud_addresses
from vision.images import decode_photo
from vision.reader import LabelReader
from vision.records import Detection, FraudMatch, LabelFields, LabelParty, LabelRead, OcrLine

DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights" / "label_detector.pt"  # our trained YOLOv8n

__all__ = ["DEFAULT_WEIGHTS", "BadPhotoError", "BatchResult", "Detection", "FraudAddressIndex", "FraudMatch", "LabelFields",
           "LabelParty", "LabelRead", "LabelReader", "OcrLine", "ReaderSpec", "VisionError", "decode_photo",
           "read_day", "read_fraud_addresses"]
