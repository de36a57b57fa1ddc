"""Parcel-label photos: a flat shipping label, then a phone photo of it on a cardboard box.

Contract (the vision helper trains and tests against this):
- `render_label` draws a flat label and returns it with the recipient *address* block box in
  label pixels (the printed recipient address lines only, not the name/phone line).
- `render_parcel_photo` places that label on a cardboard-textured background with rotation,
  mild perspective, shadow, uneven lighting, blur, sensor noise, optional tape and JPEG
  artefacts; it returns the RGB image and the axis-aligned hulls, in photo pixels, of the
  label (`cls="label"`) and of the recipient address block (`cls="address_block"`).
- `yolo_lines` writes those boxes in YOLO txt format: class 0 = label, 1 = address_block.

Every random choice comes from the `numpy.random.Generator` passed in, so the same generator
state gives the same pixels. At `default` difficulty the recipient address is never covered by
tape and is printed at >= 26 px (>= 22 px after the default downscale) so Tesseract can read it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from simulate.media.fonts import load_font
from simulate.media.label_canvas import wrap

LABEL_WIDTH = 640  # label pixels; the photo scales it down to fit
PHOTO_SIZE = (640, 480)  # (width, height) of the final photo
CLASS_IDS = {"label": 0, "address_block": 1}


@dataclass(frozen=True)
class LabelText:
    """Everything printed on a shipping label."""

    language: str  # "zh" | "en"
    recipient_name: str
    recipient_phone: str
    recipient_address: str  # as printed (one string; wraps over lines when rendered)
    sender_name: str
    sender_phone: str
    sender_address: str
    tracking_no: str


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in pixels of the image it belongs to."""

    cls: str  # "label" | "address_block" (the recipient address lines)
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class ParcelPhoto:
    image: Image.Image  # RGB, PHOTO_SIZE unless asked otherwise
    boxes: tuple[Box, ...]  # one "label" box, one "address_block" box


@dataclass(frozen=True)
class _Difficulty:
    max_rotation_deg: float
    perspective: float  # corner jitter as a fraction of the label's size
    blur_sigma: tuple[float, float]
    noise_sigma: tuple[float, float]
    jpeg_quality: tuple[int, int]
    tape_probability: float
    tape_may_cover_address: bool
    lighting: float  # amplitude of the brightness gradient
    fill: tuple[float, float]  # label width as a fraction of the photo width
    turn_probability: float = 0.0  # chance of a further quarter, half or three-quarter turn (upside down, sideways)
    fold_probability: float = 0.0  # chance of a crease across the label (a shading step along a line)
    sticker_probability: float = 0.0  # chance of a sticker over the label (never over the recipient block)


_DIFFICULTY = {
    "easy": _Difficulty(5, 0.01, (0.0, 0.4), (0.5, 2.0), (85, 95), 0.0, False, 0.10, (0.80, 0.92)),
    "default": _Difficulty(15, 0.03, (0.2, 0.8), (1.0, 4.0), (60, 92), 0.4, False, 0.25, (0.75, 0.90)),
    "hard": _Difficulty(25, 0.06, (0.5, 1.6), (2.0, 7.0), (35, 75), 0.6, True, 0.40, (0.65, 0.85)),
    # Photos taken in a hurry at a returns desk: any orientation, tilt, JPEG down to 40, folds, stickers.
    "wild": _Difficulty(12, 0.04, (0.2, 0.9), (1.0, 4.0), (40, 90), 0.4, False, 0.35, (0.78, 0.92),
                        turn_probability=0.5, fold_probability=0.5, sticker_probability=0.5),
}

_HEADINGS = {"zh": ("收件人", "寄件人", "快递运单"), "en": ("TO:", "FROM:", "EXPRESS PARCEL")}


def _barcode(draw: ImageDraw.ImageDraw, x: int, y: int, w: int, h: int, rng: np.random.Generator) -> None:
    """A Code-128-looking stripe pattern (not decodable; it only has to look like one)."""
    cx = x
    while cx < x + w - 4:
        bar = int(rng.integers(1, 5))
        gap = int(rng.integers(1, 4))
        draw.rectangle([cx, y, min(cx + bar, x + w) - 1, y + h], fill=(15, 15, 15))
        cx += bar + gap


def _block(d: ImageDraw.ImageDraw, x: int, y: int, heading: tuple[str, ImageFont.FreeTypeFont, int], first: str,
           lines: list[str], font: ImageFont.FreeTypeFont, step: int) -> tuple[int, tuple[float, float, float, float]]:
    """A heading, a name/phone line, then address lines.

    Returns the y below the block and the inked bounds (x0, y0, x1, y1) of the address lines.
    """
    ink = (20, 20, 20)
    d.text((x, y), heading[0], font=heading[1], fill=ink)
    y += heading[2]
    d.text((x, y), first, font=font, fill=ink)
    y += step
    bounds = [float("inf"), float("inf"), float("-inf"), float("-inf")]
    for line in lines:
        d.text((x, y), line, font=font, fill=ink)
        box = d.textbbox((x, y), line, font=font)
        bounds = [min(bounds[0], box[0]), min(bounds[1], box[1]), max(bounds[2], box[2]), max(bounds[3], box[3])]
        y += step
    return y + 6, (bounds[0], bounds[1], bounds[2], bounds[3])


def render_label(text: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """Draw the flat label; return it (RGB) and the recipient address box in label pixels."""
    lang = text.language
    to_h, from_h, title = _HEADINGS[lang]
    margin = int(rng.integers(18, 30))
    inner = LABEL_WIDTH - 2 * margin
    big = int(rng.integers(30, 35))  # recipient text: the part OCR must read
    small = int(rng.integers(22, 25))
    f_title = load_font(lang, 28, bold=True)
    f_head = load_font(lang, 24, bold=True)
    f_big = load_font(lang, big)
    f_small = load_font(lang, small)
    f_track = load_font("en", 22)

    rcpt_lines = wrap(text.recipient_address, f_big, inner, lang)
    send_lines = wrap(text.sender_address, f_small, inner, lang)
    line_big = int(big * 1.35)
    line_small = int(small * 1.35)
    height = (margin + 40 + 90 + 34 + 14  # title, barcode, tracking number, rule
              + 34 + line_big * (1 + len(rcpt_lines)) + 20  # recipient block, rule
              + 30 + line_small * (1 + len(send_lines)) + 6 + margin)
    shade = int(rng.integers(236, 256))
    paper = (shade, shade, max(220, shade - int(rng.integers(0, 12))))
    img = Image.new("RGB", (LABEL_WIDTH, height), paper)
    d = ImageDraw.Draw(img)
    ink = (20, 20, 20)
    d.rectangle([2, 2, LABEL_WIDTH - 3, height - 3], outline=(60, 60, 60), width=2)

    y = margin
    d.text((margin, y), title, font=f_title, fill=ink)
    y += 40
    _barcode(d, margin, y, inner, 80, rng)
    y += 90
    d.text((margin, y), text.tracking_no, font=f_track, fill=ink)
    y += 34
    d.line([margin, y, LABEL_WIDTH - margin, y], fill=(80, 80, 80), width=2)
    y += 14

    y, (ax0, ay0, ax1, ay1) = _block(d, margin, y, (to_h, f_head, 34),
                                     f"{text.recipient_name}  {text.recipient_phone}", rcpt_lines, f_big, line_big)
    addr_box = Box("address_block", ax0 - 4, ay0 - 4, ax1 + 4, ay1 + 4)
    d.line([margin, y, LABEL_WIDTH - margin, y], fill=(80, 80, 80), width=2)
    y += 14
    _block(d, margin, y, (from_h, f_head, 30), f"{text.sender_name}  {text.sender_phone}", send_lines,
           f_small, line_small)
    return img, addr_box


def _cardboard(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A brown corrugated-cardboard texture, float32 HxWx3 in [0, 255]."""
    w, h = size
    base = np.array([rng.uniform(150, 190), rng.uniform(110, 140), rng.uniform(70, 95)], dtype=np.float32)
    low = cv2.resize(rng.normal(0, 1, (h // 16 + 1, w // 16 + 1)).astype(np.float32), (w, h),
                     interpolation=cv2.INTER_CUBIC)
    fibre = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), sigmaX=3.0, sigmaY=0.6)
    period = rng.uniform(14, 24)
    yy = np.arange(h, dtype=np.float32)[:, None]
    flutes = np.sin(2 * np.pi * yy / period)  # the corrugation showing through the liner
    tex = 10 * low + 14 * fibre + 3 * flutes
    img = base[None, None, :] + tex[..., None] * np.array([1.0, 0.85, 0.6], dtype=np.float32)
    return np.clip(img, 0, 255)


def _quad(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def _hull(points: np.ndarray, cls: str, size: tuple[int, int]) -> Box:
    w, h = size
    xs, ys = points[:, 0], points[:, 1]
    return Box(cls, float(max(0.0, xs.min())), float(max(0.0, ys.min())),
               float(min(w, xs.max())), float(min(h, ys.max())))


def _placement(label_wh: tuple[int, int], size: tuple[int, int], diff: _Difficulty,
               rng: np.random.Generator) -> np.ndarray:
    """Destination corners (4x2) of the label in the photo: scale, rotate, jitter, translate."""
    lw, lh = label_wh
    w, h = size
    turn = 90.0 * int(rng.integers(1, 4)) if diff.turn_probability and rng.random() < diff.turn_probability else 0.0
    angle = np.deg2rad(turn + rng.uniform(-diff.max_rotation_deg, diff.max_rotation_deg))
    c, s = abs(np.cos(angle)), abs(np.sin(angle))
    hull_w, hull_h = lw * c + lh * s, lw * s + lh * c
    scale = min(rng.uniform(*diff.fill) * w / lw, 0.94 * w / hull_w, 0.94 * h / hull_h)
    src = _quad(0, 0, lw, lh) - np.array([lw / 2, lh / 2], dtype=np.float32)
    jitter = rng.uniform(-diff.perspective, diff.perspective, (4, 2)) * np.array([lw, lh])
    pts = (src + jitter) * scale
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    pts = pts @ rot.T
    span_x = max(0.0, w - (pts[:, 0].max() - pts[:, 0].min()) - 8)
    span_y = max(0.0, h - (pts[:, 1].max() - pts[:, 1].min()) - 8)
    pts[:, 0] += 4 - pts[:, 0].min() + rng.uniform(0, span_x)
    pts[:, 1] += 4 - pts[:, 1].min() + rng.uniform(0, span_y)
    return pts.astype(np.float32)


def _tape_band(label_h: int, addr: Box, diff: _Difficulty, rng: np.random.Generator) -> tuple[float, float] | None:
    """A horizontal band (label y0, y1) for packing tape; avoids the address unless hard allows."""
    band = float(rng.uniform(40, 70))
    for _ in range(8):
        y0 = float(rng.uniform(-band / 2, label_h - band / 2))
        overlaps = y0 < addr.y1 and y0 + band > addr.y0
        if diff.tape_may_cover_address or not overlaps:
            return y0, y0 + band
    return None


def _sticker(label: Image.Image, addr: Box, rng: np.random.Generator) -> None:
    """Paste a fragile / handle-with-care sticker somewhere off the recipient block (in place)."""
    lw, lh = label.size
    sw, sh = int(rng.uniform(0.18, 0.3) * lw), int(rng.uniform(60, 100))
    keep = (addr.x0, addr.y0 - 110, addr.x1, addr.y1 + 10)  # the address and the name/phone line above it
    for _ in range(8):
        x, y = int(rng.uniform(0, lw - sw)), int(rng.uniform(0, max(1, lh - sh)))
        if x > keep[2] or x + sw < keep[0] or y > keep[3] or y + sh < keep[1]:
            d = ImageDraw.Draw(label)
            colour = ((230, 40, 40), (250, 210, 0), (255, 255, 255))[int(rng.integers(3))]
            d.rectangle([x, y, x + sw, y + sh], fill=colour, outline=(90, 90, 90))
            d.text((x + 8, y + 8), ("易碎", "小心轻放", "FRAGILE", "THIS SIDE UP")[int(rng.integers(4))],
                   font=load_font("zh", int(sh * 0.4), bold=True), fill=(20, 20, 20))
            return


def _fold(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A crease: a brightness step across a random line, darker on one side, a thin highlight on it."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = rng.uniform(0, np.pi)
    cx, cy = rng.uniform(0.25, 0.75) * w, rng.uniform(0.25, 0.75) * h
    dist = (xx - cx) * np.cos(theta) + (yy - cy) * np.sin(theta)
    side = 1 - float(rng.uniform(0.08, 0.2)) * (1 / (1 + np.exp(-dist / 6)))
    return side + 0.12 * np.exp(-(dist ** 2) / 8)


def render_parcel_photo(text: LabelText, rng: np.random.Generator, difficulty: str = "default",
                        size: tuple[int, int] = PHOTO_SIZE) -> ParcelPhoto:
    """Render the classic label and photograph it; `size` is (width, height) of the result in pixels."""
    label, addr = render_label(text, rng)
    return photograph(label, addr, rng, difficulty, size)


def photograph(label: Image.Image, addr: Box, rng: np.random.Generator, difficulty: str = "default",
               size: tuple[int, int] = PHOTO_SIZE) -> ParcelPhoto:
    """Photograph a flat label (any template) on cardboard; `addr` is its recipient address box."""
    diff = _DIFFICULTY[difficulty]
    if diff.sticker_probability and rng.random() < diff.sticker_probability:
        label = label.copy()
        _sticker(label, addr, rng)
    lw, lh = label.size
    w, h = size
    dst = _placement((lw, lh), size, diff, rng)
    homography = cv2.getPerspectiveTransform(_quad(0, 0, lw, lh), dst)

    photo = _cardboard(size, rng)
    warped = cv2.warpPerspective(np.asarray(label, dtype=np.float32), homography, size,
                                 flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.ones((lh, lw), np.float32), homography, size, flags=cv2.INTER_LINEAR)
    shadow = cv2.GaussianBlur(mask, (0, 0), sigmaX=6)
    shift = np.array([[1, 0, rng.uniform(2, 7)], [0, 1, rng.uniform(2, 7)]], dtype=np.float32)
    shadow = cv2.warpAffine(shadow, shift, size)
    photo *= (1 - 0.35 * shadow)[..., None]
    photo = photo * (1 - mask[..., None]) + warped * mask[..., None]

    if rng.random() < diff.tape_probability:
        band = _tape_band(lh, addr, diff, rng)
        if band is not None:
            tape_src = _quad(-60, band[0], lw + 60, band[1])
            tape = cv2.perspectiveTransform(tape_src[None], homography)[0]
            tape_mask = np.zeros((h, w), np.float32)
            cv2.fillConvexPoly(tape_mask, np.round(tape).astype(np.int32), 1.0, lineType=cv2.LINE_AA)
            tint = np.array([rng.uniform(190, 215), rng.uniform(160, 185), rng.uniform(110, 140)], np.float32)
            alpha = float(rng.uniform(0.35, 0.6))  # brown packing tape: the print shows through
            photo = photo * (1 - alpha * tape_mask[..., None]) + tint * alpha * tape_mask[..., None]

    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = rng.uniform(-1, 1, 2)
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    radial = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * (0.6 * max(w, h)) ** 2))
    gain = 1 + diff.lighting * (0.5 * (gx * (xx / w - 0.5) + gy * (yy / h - 0.5)) + 0.6 * (radial - 0.5))
    photo *= gain[..., None]
    if diff.fold_probability and rng.random() < diff.fold_probability:
        photo = photo * (1 - mask[..., None]) + photo * _fold(size, rng)[..., None] * mask[..., None]

    sigma = float(rng.uniform(*diff.blur_sigma))
    if sigma > 0.05:
        photo = cv2.GaussianBlur(photo, (0, 0), sigmaX=sigma)
    photo += rng.normal(0, rng.uniform(*diff.noise_sigma), photo.shape).astype(np.float32)
    img = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8), "RGB")

    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=int(rng.integers(diff.jpeg_quality[0], diff.jpeg_quality[1] + 1)))
    buf.seek(0)
    img = Image.open(buf).convert("RGB")

    label_pts = dst
    addr_pts = cv2.perspectiveTransform(_quad(addr.x0, addr.y0, addr.x1, addr.y1)[None], homography)[0]
    return ParcelPhoto(img, (_hull(label_pts, "label", size), _hull(addr_pts, "address_block", size)))


def yolo_lines(photo: ParcelPhoto) -> str:
    """YOLO txt content: `class cx cy w h` per box, normalised to [0, 1], 6 decimals."""
    w, h = photo.image.size
    out = []
    for b in photo.boxes:
        cx, cy = (b.x0 + b.x1) / 2 / w, (b.y0 + b.y1) / 2 / h
        out.append(f"{CLASS_IDS[b.cls]} {cx:.6f} {cy:.6f} {(b.x1 - b.x0) / w:.6f} {(b.y1 - b.y0) / h:.6f}")
    return "\n".join(out) + "\n"
