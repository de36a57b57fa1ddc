"""Shipping-label templates modelled on real carriers' waybills (Chinese e-waybills, US labels).

Each template draws a flat label from a `LabelText` and returns it with the recipient *address*
box (the `address_block` the detector learns), like `parcel.render_label`, which is the
"classic" template. They differ where real labels differ: header and colour, recipient-first or
sender-first, side-by-side columns, caption words and placement (收件人 on its own line, inline
收：, a boxed 收, none at all; TO / SHIP TO / DELIVER TO), name and phone on one line or two,
one-line or wrapped addresses, barcode / QR positions, carrier noise (route codes, weights,
dates, order numbers) and type faces (a handwriting-like face for some names).

`TEMPLATES` maps a name to its `Template`; `render_template_photo` photographs one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFont

from simulate.media.label_canvas import Canvas, digits, pick, split_us_address, wrap
from simulate.media.parcel import PHOTO_SIZE, Box, LabelText, ParcelPhoto, photograph, render_label


@dataclass(frozen=True)
class Template:
    name: str
    language: str  # "zh" | "en": the texts it prints
    carrier: str  # the real label family it is modelled on
    draw: Callable[[LabelText, np.random.Generator], tuple[Image.Image, Box]]


def _phone_text(phone: str, rng: np.random.Generator, language: str) -> str:
    """The phone as a carrier prints it: spaced, run together or dashed (digits unchanged)."""
    if language == "zh":
        d = "".join(ch for ch in phone if ch.isdigit())
        if phone.startswith("+86"):
            return phone
        return pick(rng, (phone, d, f"{d[:3]}-{d[3:7]}-{d[7:]}"))
    d = "".join(ch for ch in phone if ch.isdigit())[-10:]
    return pick(rng, (phone, f"({d[:3]}) {d[3:6]}-{d[6:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}"))


def _address_lines(c: Canvas, address: str, font: ImageFont.FreeTypeFont, width: float, one_line: bool
                   ) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The printed address lines: one line (the font shrunk to fit, down to 22 px) or wrapped;
    English addresses break before the city like US labels do."""
    if one_line:
        size = int(font.size)
        while size > 22 and font.getlength(address) > width:
            size -= 1
            font = c.font(size, language=c.language)
        if font.getlength(address) <= width:
            return [address], font
    parts = split_us_address(address) if c.language == "en" else [address]
    return [w for p in parts for w in wrap(p, font, width, c.language)], font


def party(c: Canvas, x: float, y: float, width: float, *, caption: str, mode: str, text: tuple[str, str, str],
          size: int, recipient: bool, two_lines: bool = False, one_line: bool = False, name_style: str = "sans",
          phone_prefix: str = "") -> int:
    """A name, phone and address block; the y under it.

    mode: "line" (caption on its own line), "inline" (caption before the name), "side" (a boxed
    caption left of the block), "none" (no caption at all).
    """
    name, phone, address = text
    f = c.font(size)
    f_cap = c.font(max(20, size - 6), bold=True)
    step = int(size * 1.35)
    if mode == "line":
        c.text(x, y, caption, f_cap)
        y += int(f_cap.size * 1.4)
    elif mode == "side":
        cb = c.boxed(x, y, caption, c.font(size + 4, bold=True))
        x, width = cb[2] + 18, width - (cb[2] + 18 - x)
    lead = caption + " " if mode == "inline" else ""
    f_name = c.font(size + 2, style=name_style) if name_style != "sans" else f
    if two_lines:
        c.text(x, y, lead + name, f_name)
        y += step
        c.text(x, y, phone_prefix + phone, f)
    else:
        nb = c.text(x, y, lead + name, f_name)
        c.text(nb[2] + 24, y, phone, f)
    y += step
    lines, f_addr = _address_lines(c, address, f, width, one_line)
    return c.lines(x, y, lines, f_addr, int(f_addr.size * 1.35), address=recipient) + 6


def _texts(t: LabelText, rng: np.random.Generator) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    lang = t.language
    return ((t.recipient_name, _phone_text(t.recipient_phone, rng, lang), t.recipient_address),
            (t.sender_name, _phone_text(t.sender_phone, rng, lang), t.sender_address))


def sf(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """SF Express style: black header, big route code, barcode, boxed 收 / 寄 captions, QR bottom right."""
    c = Canvas(640, rng, "zh")
    rcpt, sndr = _texts(t, rng)
    c.band(0, 64, (20, 20, 20))
    c.text(20, 10, "顺丰速运", c.font(34, bold=True), fill=(250, 250, 250))
    c.text(420, 14, "标快", c.font(30, bold=True), fill=(250, 250, 250))
    c.text(20, 76, f"{digits(rng, 3)}{pick(rng, 'ABCDW')}-{digits(rng, 3)}", c.font(44, bold=True))
    c.barcode(20, 140, 600, 70)
    c.text(20, 216, f"运单号 {t.tracking_no}", c.font(22))
    c.rule(252)
    y = party(c, 18, 266, 600, caption="收", mode="side", text=rcpt, size=int(rng.integers(28, 33)),
              recipient=True, name_style=pick(rng, ("sans", "hand")))
    c.rule(y + 4)
    top = y + 16
    y = max(top + 120, party(c, 18, top, 400, caption="寄", mode="side", text=sndr, size=22, recipient=False))
    c.qr(500, top, 110)
    c.rule(y + 12)
    c.text(20, y + 22, "签收人：            时间：", c.font(22))
    return _box(c, y + 64)


def jd(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """JD Logistics style: red header, sender first (one line), then 收件人： inline, barcode at the bottom."""
    c = Canvas(660, rng, "zh")
    rcpt, sndr = _texts(t, rng)
    c.band(0, 60, (200, 20, 30))
    c.text(20, 10, "京东物流", c.font(34, bold=True), fill=(255, 255, 255))
    c.text(400, 16, f"订单号 {digits(rng, 11)}", c.font(22), fill=(255, 255, 255))
    y = party(c, 20, 74, 620, caption="寄件人：", mode="inline", text=sndr, size=22, recipient=False, one_line=True)
    c.rule(y + 2)
    y = party(c, 20, y + 14, 620, caption=pick(rng, ("收件人：", "收货人：")), mode="inline", text=rcpt,
              size=int(rng.integers(28, 33)), recipient=True, two_lines=bool(rng.random() < 0.5),
              phone_prefix="电话：")
    c.rule(y + 2)
    c.text(20, y + 14, f"{pick(rng, ('重量', '计费重量'))}：{rng.uniform(0.2, 9):.1f}kg   件数：1/1", c.font(22))
    c.barcode(20, y + 52, 620, 70)
    c.text(20, y + 128, t.tracking_no.replace("SF", "JD"), c.font(22, language="en"))
    return _box(c, y + 168)


def tongda(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """ZTO / YTO / STO / Yunda e-waybill style: barcode first, 三段码, caption column cells 收 / 寄."""
    c = Canvas(640, rng, "zh")
    rcpt, sndr = _texts(t, rng)
    brand, colour = [("中通快递", (30, 70, 160)), ("圆通速递", (90, 40, 130)), ("申通快递", (220, 110, 20)),
                     ("韵达快递", (230, 180, 0))][int(rng.integers(4))]
    c.band(0, 54, colour)
    c.text(20, 8, brand, c.font(32, bold=True), fill=(255, 255, 255))
    c.barcode(20, 66, 600, 80)
    c.text(20, 150, f"{pick(rng, ('ZT', 'YT', 'STO', 'YD'))}{digits(rng, 13)}", c.font(22, language="en"))
    c.text(20, 182, f"{digits(rng, 3)}-{pick(rng, 'ABCDE')}{digits(rng, 2)} {digits(rng, 2)}", c.font(40, bold=True))
    c.rule(240)
    c.vrule(64, 240, 240 + 400)
    c.text(22, 260, "收", c.font(30, bold=True))
    y = party(c, 80, 252, 540, caption="", mode="none", text=rcpt, size=int(rng.integers(28, 33)),
              recipient=True, two_lines=bool(rng.random() < 0.5), name_style=pick(rng, ("sans", "serif")))
    c.rule(y + 4, x0=0)
    c.text(22, y + 20, "寄", c.font(26, bold=True))
    y = party(c, 80, y + 14, 540, caption="", mode="none", text=sndr, size=22, recipient=False, one_line=True)
    c.rule(y + 4)
    c.text(20, y + 16, "已验视   签收：", c.font(22))
    c.qr(520, y + 12, 100)
    return _box(c, y + 124)


def ems(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """EMS / China Post style: green header, sender and recipient side by side, name and phone on two lines."""
    c = Canvas(720, rng, "zh")
    rcpt, sndr = _texts(t, rng)
    c.band(0, 60, (0, 120, 70))
    c.text(20, 10, "EMS 中国邮政速递物流", c.font(32, bold=True), fill=(255, 255, 255))
    c.barcode(20, 72, 440, 64)
    c.text(20, 140, t.tracking_no.replace("SF", "EA") + "CN", c.font(22, language="en"))
    c.qr(590, 68, 110)
    c.rule(184)
    c.vrule(300, 184, 600)
    yl = party(c, 14, 196, 270, caption="寄件人：", mode="line", text=sndr, size=22, recipient=False,
               two_lines=True, phone_prefix="电话：")
    yr = party(c, 316, 196, 390, caption=pick(rng, ("收件人：", "收件人")), mode="line", text=rcpt,
               size=int(rng.integers(28, 31)), recipient=True, two_lines=True, phone_prefix="电话：")
    y = max(yl, yr) + 10
    c.rule(y)
    c.text(14, y + 12, f"邮编：{digits(rng, 6)}   资费：{rng.uniform(8, 30):.2f}元", c.font(22))
    return _box(c, y + 56)


def cainiao(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """Cainiao station sticker style: no recipient caption at all, pickup code, QR left, shop as sender."""
    c = Canvas(620, rng, "zh")
    rcpt, _ = _texts(t, rng)
    c.band(0, 52, (255, 120, 0))
    c.text(20, 8, "菜鸟驿站", c.font(30, bold=True), fill=(255, 255, 255))
    c.qr(20, 66, 150)
    c.text(190, 70, "取件码", c.font(24))
    c.text(190, 102, f"{int(rng.integers(1, 9))}-{int(rng.integers(1, 9))}-{digits(rng, 4)}", c.font(44, bold=True))
    c.rule(230)
    y = party(c, 20, 244, 580, caption="", mode="none", text=rcpt, size=int(rng.integers(28, 33)), recipient=True,
              one_line=bool(rng.random() < 0.5), name_style=pick(rng, ("sans", "hand")))
    c.rule(y + 4)
    c.text(20, y + 14, f"寄：{t.sender_name}  {pick(rng, ('旗舰店', '官方店', '专营店'))}", c.font(22))
    c.text(20, y + 48, f"运单 {t.tracking_no}", c.font(22))
    return _box(c, y + 88)


def _us_header(c: Canvas, title: str, colour: tuple[int, int, int], service: str) -> None:
    c.band(0, 60, colour)
    c.text(20, 10, title, c.font(34, bold=True), fill=(255, 255, 255))
    c.text(c.width - 250, 18, service, c.font(22, bold=True), fill=(255, 255, 255))


def _return_address(c: Canvas, x: int, y: int, sndr: tuple[str, str, str], caption: str) -> int:
    f = c.font(20)
    if caption:
        c.text(x, y, caption, c.font(20, bold=True))
        y += 26
    lines = [sndr[0], sndr[1], *split_us_address(sndr[2])]
    return c.lines(x, y, lines, f, 26)


def ups(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """UPS style: return address top left without a caption, SHIP TO:, MaxiCode-like square, 1Z barcode."""
    c = Canvas(640, rng, "en")
    rcpt, sndr = _texts(t, rng)
    _us_header(c, "UPS GROUND", (80, 50, 20), f"{rng.uniform(1, 30):.1f} LBS  1 OF 1")
    y = _return_address(c, 20, 72, sndr, "")
    c.rule(y + 6)
    y = party(c, 20, y + 18, 600, caption=pick(rng, ("SHIP TO:", "SHIP TO")), mode="line", text=rcpt,
              size=int(rng.integers(28, 33)), recipient=True, two_lines=True)
    c.rule(y + 4)
    c.qr(20, y + 16, 130)
    c.text(180, y + 24, f"{pick(rng, ('CA', 'TX', 'NY', 'WA'))} {digits(rng, 3)} {digits(rng, 1)}-{digits(rng, 2)}",
           c.font(40, bold=True))
    y += 160
    c.text(20, y, f"TRACKING #: {t.tracking_no}", c.font(22, bold=True))
    c.barcode(20, y + 34, 600, 80)
    c.text(20, y + 124, f"BILLING: P/P   REF: {digits(rng, 8)}", c.font(20))
    return _box(c, y + 164)


def fedex(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """FedEx style: ORIGIN block at the top, a bare TO before the name, phone on its own line, one-line address."""
    c = Canvas(660, rng, "en")
    rcpt, sndr = _texts(t, rng)
    _us_header(c, "FedEx Express", (77, 20, 140), "PRIORITY OVERNIGHT")
    c.text(20, 70, f"ORIGIN ID:{pick(rng, ('SFOA', 'AUSA', 'BOSA'))}  SHIP DATE: {int(rng.integers(1, 29)):02d}NOV26",
           c.font(20))
    y = _return_address(c, 20, 98, sndr, "")
    c.rule(y + 6)
    y = party(c, 20, y + 18, 620, caption="TO", mode="inline", text=rcpt, size=int(rng.integers(28, 31)),
              recipient=True, two_lines=True, one_line=bool(rng.random() < 0.5), phone_prefix="TEL ")
    c.rule(y + 4)
    c.text(20, y + 14, f"TRK# {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 4)}", c.font(26, bold=True))
    c.text(400, y + 14, f"{rng.uniform(1, 30):.1f} LB", c.font(24))
    c.barcode(20, y + 56, 620, 90)
    return _box(c, y + 160)


def usps(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """USPS style: big service letter box, FROM block, DELIVER TO or no caption, USPS TRACKING # at the bottom."""
    c = Canvas(640, rng, "en")
    rcpt, sndr = _texts(t, rng)
    c.boxed(20, 14, "P", c.font(60, bold=True), pad=10)
    c.band(14, 84, (30, 60, 140), x0=120, x1=620)
    c.text(136, 30, "USPS PRIORITY MAIL", c.font(30, bold=True), fill=(255, 255, 255))
    y = _return_address(c, 20, 104, sndr, pick(rng, ("FROM:", "SENDER:")))
    c.rule(y + 6)
    caption = pick(rng, ("DELIVER TO:", "TO:", ""))
    y = party(c, 60, y + 22, 560, caption=caption, mode="line" if caption else "none", text=rcpt,
              size=int(rng.integers(28, 33)), recipient=True, two_lines=bool(rng.random() < 0.5),
              name_style=pick(rng, ("sans", "hand")))
    c.rule(y + 8, width=4)
    c.text(150, y + 20, "USPS TRACKING # EP", c.font(22, bold=True))
    c.barcode(40, y + 54, 560, 80)
    c.text(90, y + 140, " ".join(digits(rng, 4) for _ in range(5)), c.font(22))
    return _box(c, y + 180)


def jt(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """J&T Express style: white header with a red logo and a thick red rule, the route code top right,
    收 / 寄 printed white in black squares, 地址： before some addresses, a QR beside the recipient,
    and the carrier's fine print (which names 收件人 itself) at the bottom."""
    c = Canvas(660, rng, "zh")
    rcpt, sndr = _texts(t, rng)
    red = (220, 30, 40)
    c.text(20, 12, "极兔速递", c.font(34, bold=True), fill=red)
    c.text(186, 22, "J&T EXPRESS", c.font(22, bold=True, language="en"), fill=red)
    c.text(430, 8, f"{digits(rng, 3)}-{pick(rng, 'ABCDEFGH')}{digits(rng, 2)}", c.font(40, bold=True))
    c.band(62, 68, red)
    c.barcode(20, 80, 440, 62)
    c.text(20, 148, f"运单号：JT{digits(rng, 13)}", c.font(22))
    c.text(480, 96, pick(rng, ("标准快递", "特快", "电商件")), c.font(26, bold=True))
    c.rule(186)

    def black_caption(x: float, y: float, word: str, size: int) -> float:
        f = c.font(size, bold=True)
        c.band(y, y + size + 14, (15, 15, 15), x0=x, x1=x + size + 14)
        c.text(x + 7, y + 4, word, f, fill=(255, 255, 255))
        return x + size + 30

    size = int(rng.integers(28, 33))
    x = black_caption(16, 200, "收", 34)
    f = c.font(size)
    nb = c.text(x, 198, rcpt[0], c.font(size + 2, style=pick(rng, ("sans", "hand", "serif"))))
    c.text(nb[2] + 20, 198, rcpt[1], f)
    prefix = pick(rng, ("地址：", ""))
    lines = wrap(prefix + rcpt[2], f, 430, "zh")
    y = c.lines(x, 198 + int(size * 1.4), lines, f, int(size * 1.3), address=True)
    c.qr(540, 206, 100)
    y = max(y, 320) + 8
    c.rule(y)
    x = black_caption(16, y + 12, "寄", 24)
    nb = c.text(x, y + 12, sndr[0], c.font(20))
    c.text(nb[2] + 16, y + 12, sndr[1], c.font(20))
    y = c.lines(x, y + 40, wrap(sndr[2], c.font(20), 560, "zh"), c.font(20), 26)
    c.rule(y + 6)
    c.text(16, y + 16, "快件送达收件人地址，经收件人或收件人允许的代收人签字，视为送达。", c.font(16))
    c.text(16, y + 40, f"打印时间：2026-11-{int(rng.integers(1, 29)):02d} {digits(rng, 2)}:{digits(rng, 2)}   已验视",
           c.font(16))
    return _box(c, y + 72)


def dhl(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """DHL Express style: yellow header with a red logo, a From block top left beside the product box,
    a boxed TO left of the recipient, the name alone on its line, the country under the address and
    the phone last (after the address), a waybill barcode at the bottom."""
    c = Canvas(680, rng, "en")
    rcpt, sndr = _texts(t, rng)
    red = (210, 20, 30)
    c.band(0, 70, (255, 204, 0))
    c.text(20, 10, "DHL", c.font(44, bold=True), fill=red)
    c.text(150, 24, "EXPRESS WORLDWIDE", c.font(24, bold=True), fill=red)
    c.text(20, 82, "From:", c.font(18, bold=True))
    y = c.lines(20, 106, [sndr[0], *split_us_address(sndr[2]), sndr[1]], c.font(18), 24)
    c.boxed(480, 84, pick(rng, ("WPX", "DOX", "ECX")), c.font(40, bold=True), pad=10)
    c.text(480, 152, f"Wt: {rng.uniform(0.5, 20):.1f} kg", c.font(20))
    c.text(480, 178, "Piece: 1/1", c.font(20))
    y = max(y, 206) + 6
    c.rule(y)
    top = y + 16
    cb = c.boxed(20, top, "TO", c.font(28, bold=True))
    x = cb[2] + 24
    size = int(rng.integers(28, 32))
    f = c.font(size)
    c.text(x, top, rcpt[0], c.font(size + 2, style=pick(rng, ("sans", "hand"))))
    lines = [w for p in split_us_address(rcpt[2]) for w in wrap(p, f, 680 - x - 20, "en")]
    y = c.lines(x, top + int(size * 1.4), lines, f, int(size * 1.3), address=True)
    c.text(x, y, "UNITED STATES", c.font(size - 4, bold=True))
    y += int(size * 1.3)
    c.text(x, y, f"{pick(rng, ('Phone:', 'Tel:', 'Contact:'))} {rcpt[1]}", c.font(size - 6))
    y += int(size * 1.3) + 6
    c.rule(y)
    c.text(20, y + 12, f"WAYBILL {digits(rng, 2)} {digits(rng, 4)} {digits(rng, 4)}", c.font(24, bold=True))
    c.barcode(20, y + 48, 640, 84)
    c.text(20, y + 140, f"Ref: {digits(rng, 9)}   Date: 2026-11-{int(rng.integers(1, 29)):02d}", c.font(18))
    return _box(c, y + 172)


def deppon(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """Deppon (德邦) style: blue header, a field per line (收货人： / 联系电话： / 收货地址：) in a ruled
    recipient box with the route code beside it, the sender in the same form but smaller, a goods line."""
    c = Canvas(680, rng, "zh")
    rcpt, sndr = _texts(t, rng)
    c.band(0, 58, (0, 70, 160))
    c.text(20, 8, "德邦快递", c.font(34, bold=True), fill=(255, 255, 255))
    c.text(430, 16, f"DPK{digits(rng, 12)}", c.font(20, language="en"), fill=(255, 255, 255))
    c.barcode(20, 70, 640, 60)
    c.rule(142)
    size = int(rng.integers(27, 32))
    f = c.font(size)
    step = int(size * 1.35)
    y = 154
    c.text(20, y, f"收货人：{rcpt[0]}", f)
    c.text(430, y - 4, f"{pick(rng, 'ABCDEF')}{digits(rng, 2)}-{digits(rng, 3)}", c.font(38, bold=True))
    y += step
    c.text(20, y, f"联系电话：{rcpt[1]}", f)
    y += step
    lines = wrap("收货地址：" + rcpt[2], f, 640, "zh")
    y = c.lines(20, y, lines, f, step, address=True)
    c.rule(y + 6)
    fs = c.font(20)
    y += 18
    c.text(20, y, f"发货人：{sndr[0]}    电话：{sndr[1]}", fs)
    y = c.lines(20, y + 28, wrap("发货地址：" + sndr[2], fs, 640, "zh"), fs, 26)
    c.rule(y + 6)
    c.text(20, y + 16, f"货物名称：{pick(rng, ('服装', '日用品', '电子配件', '图书'))}   件数：1   "
                        f"重量：{rng.uniform(0.5, 12):.1f}kg", c.font(20))
    return _box(c, y + 56)


def amazon(t: LabelText, rng: np.random.Generator) -> tuple[Image.Image, Box]:
    """Amazon Logistics style: a big sort code and cycle top left with a QR top right, the recipient
    uncaptioned in large print with the phone on the last line, the return address in small print at
    the bottom, a TBA barcode between."""
    c = Canvas(660, rng, "en")
    rcpt, sndr = _texts(t, rng)
    c.text(20, 14, f"{pick(rng, ('DBK4', 'DLA8', 'DSF2', 'DAU1'))}", c.font(52, bold=True))
    c.text(20, 84, f"CYCLE {int(rng.integers(1, 4))}   {pick(rng, 'ABCDEFG')}.{digits(rng, 2)}", c.font(26, bold=True))
    c.qr(520, 14, 120)
    c.rule(150, width=4)
    size = int(rng.integers(28, 33))
    f = c.font(size)
    step = int(size * 1.35)
    y = 166
    c.text(20, y, rcpt[0].upper() if rng.random() < 0.5 else rcpt[0], c.font(size + 2, bold=True))
    y += step
    lines = [w for p in split_us_address(rcpt[2]) for w in wrap(p, f, 620, "en")]
    y = c.lines(20, y, lines, f, step, address=True)
    c.text(20, y, f"{pick(rng, ('Ph:', 'Phone', ''))} {rcpt[1]}".strip(), c.font(size - 6))
    y += step + 4
    c.rule(y)
    c.text(20, y + 12, f"TBA{digits(rng, 12)}", c.font(24, bold=True))
    c.barcode(20, y + 44, 620, 80)
    y += 136
    c.rule(y)
    fs = c.font(18)
    c.text(20, y + 10, "RETURN TO:", c.font(18, bold=True))
    y = c.lines(20, y + 34, [sndr[0], *split_us_address(sndr[2])], fs, 22)
    return _box(c, y + 12)


def _box(c: Canvas, bottom: int) -> tuple[Image.Image, Box]:
    img, (x0, y0, x1, y1) = c.finish(bottom)
    return img, Box("address_block", x0, y0, x1, y1)


TEMPLATES: dict[str, Template] = {t.name: t for t in (
    Template("classic_zh", "zh", "riskgraph's original simulator label", render_label),
    Template("classic_en", "en", "riskgraph's original simulator label", render_label),
    Template("sf", "zh", "SF Express", sf),
    Template("jd", "zh", "JD Logistics", jd),
    Template("tongda", "zh", "ZTO / YTO / STO / Yunda", tongda),
    Template("ems", "zh", "EMS / China Post", ems),
    Template("cainiao", "zh", "Cainiao station sticker", cainiao),
    Template("ups", "en", "UPS", ups),
    Template("fedex", "en", "FedEx", fedex),
    Template("usps", "en", "USPS", usps),
    Template("jt", "zh", "J&T Express", jt),
    Template("dhl", "en", "DHL Express", dhl),
    Template("deppon", "zh", "Deppon", deppon),
    Template("amazon", "en", "Amazon Logistics", amazon),
)}


def render_template_photo(text: LabelText, template: str, rng: np.random.Generator, difficulty: str = "default",
                          size: tuple[int, int] = PHOTO_SIZE) -> ParcelPhoto:
    """Draw `text` with the named template and photograph it (see `parcel.photograph`)."""
    tpl = TEMPLATES[template]
    if tpl.language != text.language:
        raise ValueError(f"template {template} prints {tpl.language} labels, not {text.language}")
    label, addr = tpl.draw(text, rng)
    return photograph(label, addr, rng, difficulty, size)
