"""Label crop → rectified, deskewed, binarized image ready for OCR.

Geometry first (the photo's label is a rotated, slightly perspective-warped quadrilateral):
find the paper quad inside the detector's box and warp it to an upright rectangle; if no clean
quad is found, fall back to the rotation of the ink's minimum-area rectangle. Tesseract reads
deskewed synthetic labels perfectly but falls apart at 2–8° of rotation, so this is not optional.
All images are numpy uint8; colour images are RGB, HxWx3.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.records import Detection, RowRule, Rule


@dataclass(frozen=True)
class PreprocessConfig:
    margin: float = 0.15  # crop margin around the detected label box, fraction of its size (boxes can be tight)
    target_width: int = 800  # rectified label width in pixels (≈1.3× the photo's label: recipient glyphs ≈40 px,
    # sender ≈30 px; at 1100 the cubic upscale blurred B into 8 and OCR took 1.5× as long)
    min_quad_area: float = 0.45  # a paper quad must cover this share of the crop to be trusted
    mask_barcode: bool = True  # whiten barcodes: Tesseract spends time on them and returns only debris


@dataclass(frozen=True)
class Prepared:
    binary: np.ndarray  # HxW uint8, black text (0) on white (255)
    skew_deg: float  # rotation removed, degrees counter-clockwise positive (image y axis down)
    rectified: bool  # True if a paper quad was found and warped (perspective corrected too)
    to_binary: np.ndarray | None = None  # 3x3 homography: photo pixel (x, y, 1) → `binary` pixel; None: unknown


def _crop_bounds(rgb: np.ndarray, box: Detection, margin: float) -> tuple[int, int, int, int]:
    h, w = rgb.shape[:2]
    mx, my = (box.x1 - box.x0) * margin, (box.y1 - box.y0) * margin
    x0, y0 = max(0, int(box.x0 - mx)), max(0, int(box.y0 - my))
    return x0, y0, min(w, int(np.ceil(box.x1 + mx))), min(h, int(np.ceil(box.y1 + my)))


def crop_box(rgb: np.ndarray, box: Detection, margin: float) -> np.ndarray:
    x0, y0, x1, y1 = _crop_bounds(rgb, box, margin)
    return rgb[y0:y1, x0:x1]


def normalize_angle(angle: float) -> float:
    """A minAreaRect angle (OpenCV 4: (0, 90]; OpenCV 5: [-90, 0)) as the nearest-axis tilt in [-45, 45)."""
    a = angle % 90.0
    return a - 90.0 if a >= 45.0 else a


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """4x2 corners as top-left, top-right, bottom-right, bottom-left (valid for tilts under 45°)."""
    s, d = pts.sum(axis=1), pts[:, 1] - pts[:, 0]
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32)


def paper_mask(rgb: np.ndarray) -> np.ndarray:
    """Bright, unsaturated pixels (label paper) vs brown cardboard: Otsu on value minus saturation."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    score = cv2.subtract(hsv[..., 2], hsv[..., 1])
    score = cv2.GaussianBlur(score, (5, 5), 0)
    _, mask = cv2.threshold(score, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)


def find_label_quad(rgb: np.ndarray, min_area: float) -> np.ndarray | None:
    """Ordered 4x2 corners of the label paper in `rgb`, or None if no convincing quad."""
    contours, _ = cv2.findContours(paper_mask(rgb), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    big = max(contours, key=cv2.contourArea)
    if cv2.contourArea(big) < min_area * rgb.shape[0] * rgb.shape[1]:
        return None
    hull = cv2.convexHull(big)
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) == 4:
        return _order_corners(approx.reshape(4, 2).astype(np.float32))
    return _order_corners(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32))


def warp_quad(image: np.ndarray, quad: np.ndarray, target_width: int) -> tuple[np.ndarray, np.ndarray]:
    """Warp the quad of an image (grey or RGB) to an upright rectangle `target_width` wide, keeping its
    aspect ratio; (warped image, 3x3 homography)."""
    tl, tr, br, bl = quad
    width = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    out_w, out_h = target_width, max(1, int(round(target_width * height / max(width, 1.0))))
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    return cv2.warpPerspective(image, m, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE), m


def quad_tilt(quad: np.ndarray) -> float:
    """Tilt of the quad's top edge, degrees counter-clockwise positive."""
    (x0, y0), (x1, y1) = quad[0], quad[1]
    return float(-np.degrees(np.arctan2(y1 - y0, x1 - x0)))


def line_skew(ink: np.ndarray) -> float | None:
    """Median tilt of the long, thin ink blobs (text lines and rules), CCW positive; None if none.

    Characters are merged along their line by a horizontal closing; a blob counts if it is at
    least a sixth of the image wide and four times longer than thick, so specks, stamps and
    cardboard texture around the label (which pull a whole-ink rectangle to 0°) do not vote.
    """
    w = ink.shape[1]
    blobs = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(9, w // 40), 3)))
    contours, _ = cv2.findContours(blobs, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)  # lines inside a frame too
    votes = []
    for c in contours:
        (_, _), (rw, rh), angle = cv2.minAreaRect(c)
        if max(rw, rh) >= w / 6 and max(rw, rh) >= 4 * min(rw, rh):
            votes.append(-normalize_angle(angle))
    return float(np.median(votes)) if votes else None


def ink_skew(gray: np.ndarray) -> float:
    """Tilt of the ink, degrees counter-clockwise positive, in [-45, 45): by its text lines, else as a whole."""
    by_lines = line_skew(cv2.bitwise_not(binarize(gray)))  # flattened: dark cardboard around the paper is not ink
    if by_lines is not None:
        return by_lines
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    pts = cv2.findNonZero(ink)
    if pts is None or len(pts) < 20:
        return 0.0
    (_, _), (_, _), angle = cv2.minAreaRect(pts)
    # minAreaRect's angle is clockwise-positive in image coordinates (y down); we report CCW.
    return -normalize_angle(angle)


def rotation(h: int, w: int, ccw_deg: float) -> tuple[np.ndarray, int, int]:
    """2x3 affine rotating an HxW image by `ccw_deg` about its centre onto a canvas grown to fit; (m, new w, new h)."""
    m = cv2.getRotationMatrix2D((w / 2, h / 2), ccw_deg, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return m, nw, nh


def rotate(image: np.ndarray, ccw_deg: float) -> np.ndarray:
    """Rotate by `ccw_deg` counter-clockwise about the centre, growing the canvas with white."""
    m, nw, nh = rotation(image.shape[0], image.shape[1], ccw_deg)
    return cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(255, 255, 255))


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Rotate a grayscale text image so its ink is axis-aligned; returns (image, tilt removed)."""
    tilt = ink_skew(gray)
    return (rotate(gray, -tilt) if abs(tilt) > 0.2 else gray), tilt


def binarize(gray: np.ndarray) -> np.ndarray:
    """Black text on white: flatten lighting (divide by a blurred background), then Otsu."""
    background = cv2.medianBlur(cv2.dilate(gray, np.ones((7, 7), np.uint8)), 31)
    flat = cv2.divide(gray, background, scale=255)
    _, out = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return out


def mask_barcodes(binary: np.ndarray) -> np.ndarray:
    """Whiten regions of many tall parallel bars (barcodes) in a black-on-white image; a copy."""
    h, w = binary.shape
    ink = cv2.bitwise_not(binary)
    tall = max(15, h // 25)
    bars = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, tall)))
    blobs = cv2.morphologyEx(bars, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(9, w // 60), 1)))
    out = binary.copy()
    contours, _ = cv2.findContours(blobs, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for c in contours:
        x, y, bw, bh = cv2.boundingRect(c)
        if bw > 0.3 * w and bh >= tall and cv2.countNonZero(bars[y:y + bh, x:x + bw]) > 0.25 * bw * bh:
            out[max(0, y - 4):y + bh + 4, max(0, x - 4):x + bw + 4] = 255
    return out


def _finish(gray: np.ndarray, cfg: PreprocessConfig) -> np.ndarray:
    binary = binarize(gray)
    return mask_barcodes(binary) if cfg.mask_barcode else binary


def prepare_gray(gray: np.ndarray, cfg: PreprocessConfig, correct_skew: bool = True) -> Prepared:
    """A grayscale text image (no paper quad known): scale to target width, deskew by the ink, binarize.

    `to_binary` maps pixels of `gray` (as given) to pixels of the result.
    """
    scale = cfg.target_width / max(gray.shape[1], 1)
    gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    to_binary = np.diag([scale, scale, 1.0])
    tilt = 0.0
    if correct_skew:
        h, w = gray.shape
        gray, tilt = deskew(gray)
        if abs(tilt) > 0.2:  # deskew rotated it
            to_binary = np.vstack([rotation(h, w, -tilt)[0], [0.0, 0.0, 1.0]]) @ to_binary
    return Prepared(_finish(gray, cfg), tilt, False, to_binary)


def prepare_label(rgb: np.ndarray, label: Detection, cfg: PreprocessConfig) -> Prepared:
    """Crop the detected label from the photo, rectify (or deskew), binarize."""
    crop = crop_box(rgb, label, cfg.margin)
    x0, y0, _, _ = _crop_bounds(rgb, label, cfg.margin)
    from_photo = np.array([[1.0, 0.0, -x0], [0.0, 1.0, -y0], [0.0, 0.0, 1.0]])
    quad = find_label_quad(crop, cfg.min_quad_area)
    if quad is not None:
        # grey first: both steps are linear, so this is the same image at a third of the warping
        flat, m = warp_quad(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY), quad, cfg.target_width)
        return Prepared(_finish(flat, cfg), quad_tilt(quad), True, m @ from_photo)
    prepared = prepare_gray(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY), cfg)
    assert prepared.to_binary is not None
    return Prepared(prepared.binary, prepared.skew_deg, False, prepared.to_binary @ from_photo)


def _rule_pieces(binary: np.ndarray, vertical: bool, min_length: float) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """(mask, boxes x, y, w, h) of the thin straight ink runs at least `min_length` of the label long
    along the given axis; the ink is thickened across the axis first (a rule printed at a slight tilt)."""
    h, w = binary.shape
    across = (3, 1) if vertical else (1, 3)
    along = (1, max(1, h // 8)) if vertical else (max(1, w // 8), 1)
    ink = cv2.dilate(cv2.bitwise_not(binary), cv2.getStructuringElement(cv2.MORPH_RECT, across))
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)  # sparse: cheaper than labelling
    boxes = [(int(b[0]), int(b[1]), int(b[2]), int(b[3])) for b in map(cv2.boundingRect, contours)]
    if vertical:
        return lines, [b for b in boxes if b[3] >= min_length * h and b[2] < 0.03 * w]
    return lines, [b for b in boxes if b[2] >= min_length * w and b[3] < 0.03 * h]


@dataclass(frozen=True)
class Rules:
    """A label's long printed rules, found once: the image without them (for Tesseract) and where they are."""

    erased: np.ndarray  # the binary label with every rule (and the frame) whitened
    columns: tuple[Rule, ...]  # vertical rules inside the label, left to right
    rows: tuple[RowRule, ...]  # horizontal rules inside the label, top to bottom


def find_rules(binary: np.ndarray, min_length: float = 0.25) -> Rules:
    """The long straight rules in a black-on-white label, at least `min_length` of its height (vertical)
    or width (horizontal), each with the span it covers.

    Vertical rules part side-by-side blocks (寄件人 | 收件人) or a caption column (收 / 寄 cells);
    horizontal ones part the blocks of a label. A barcode's bars are far shorter (and masked) and a
    text line is broken by the gaps between its characters. A QR code's module column can pass as a
    vertical rule, which is why a rule keeps its span: it must not cut the address printed under
    the code. The label's own frame at the edges is erased but not listed.

    Erased, because Tesseract's page layout takes a text block boxed in by rules for a table or an
    image and can drop it whole.
    """
    h, w = binary.shape
    erased = binary.copy()
    found: dict[bool, list[tuple[int, int, int]]] = {True: [], False: []}
    for vertical in (True, False):
        mask, boxes = _rule_pieces(binary, vertical, min_length)
        for x, y, bw, bh in boxes:
            x0, y0 = max(0, x - 1), max(0, y - 1)
            piece = cv2.dilate(mask[y0:y + bh + 1, x0:x + bw + 1], np.ones((3, 3), np.uint8))
            erased[y0:y + bh + 1, x0:x + bw + 1][piece > 0] = 255
            found[vertical].append((x + bw // 2, y, y + bh) if vertical else (y + bh // 2, x, x + bw))
    columns = [Rule(*r) for r in found[True] if 0.03 * w < r[0] < 0.97 * w]
    rows = [RowRule(*r) for r in found[False] if 0.03 * h < r[0] < 0.97 * h]
    return Rules(erased, tuple(sorted(columns, key=lambda r: (r.x, r.y0))), tuple(sorted(rows, key=lambda r: (r.y, r.x0))))


def find_column_rules(binary: np.ndarray, min_height: float = 0.25) -> tuple[Rule, ...]:
    """The vertical rules of `find_rules`."""
    return find_rules(binary, min_height).columns
