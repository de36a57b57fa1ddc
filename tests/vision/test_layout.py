"""vision.layout on hand-built text runs: every caption style, no caption, sender first, side by side."""

from __future__ import annotations

import pytest

from vision.layout import classify, find_phone, print_size, read_layout
from vision.records import RowRule, Rule, TextLine

W = 800


def runs(*rows: tuple[str, int, int] | tuple[str, int, int, int]) -> tuple[TextLine, ...]:
    """(text, x0, y0[, height]) per run; the width as printed (CJK square, others about half as wide)."""
    out = []
    for row in rows:
        text, x0, y0 = row[0], row[1], row[2]
        h = row[3] if len(row) > 3 else 36
        width = sum(h if "\u4e00" <= ch <= "\u9fff" else 0.55 * h for ch in text)
        out.append(TextLine(text, 90.0, (x0, y0, min(W, int(x0 + width)), y0 + h)))
    return tuple(out)


ZH_RCPT = "浙江省杭州市西湖区文一西路88号3栋1201室"
ZH_SNDR = "广东省深圳市南山区科技园路100号"


@pytest.mark.parametrize("caption", ["收件人", "收件人：", "收货人:", "收"])
def test_chinese_caption_on_its_own_line(caption: str) -> None:
    f = read_layout(runs(("顺丰速运", 20, 10), ("SF1234567890123", 20, 120, 24), (caption, 20, 200, 30),
                         ("王伟 138 1234 5678", 20, 240), (ZH_RCPT[:14], 20, 290), (ZH_RCPT[14:], 20, 340),
                         ("寄件人", 20, 420, 26), ("李娜 139 0000 1111", 20, 456, 26),
                         (ZH_SNDR, 20, 492, 26)), W).fields
    assert f is not None
    assert (f.recipient.name, f.recipient.phone, f.recipient.address) == ("王伟", "+8613812345678", ZH_RCPT)
    assert f.sender is not None and f.sender.address == ZH_SNDR
    assert f.tracking_no == "SF1234567890123"


@pytest.mark.parametrize("caption", ["To", "TO:", "Ship to", "SHIP TO:", "Deliver to", "DELIVER TO:"])
def test_english_caption_styles(caption: str) -> None:
    f = read_layout(runs(("FROM:", 20, 10, 22), ("Mary Brown", 20, 40, 22), ("+1 415-555-0100", 20, 70, 22),
                         ("12 Oak Street", 20, 100, 22), ("Austin, TX 73301", 20, 130, 22),
                         (caption, 20, 200, 28), ("John Smith", 20, 240), ("(206) 555-0123", 20, 290),
                         ("88 Pine Avenue Apt 4B", 20, 340), ("Seattle, WA 98101", 20, 390),
                         ("TRACKING #: 1Z999AA10123456784", 20, 470, 24)), W).fields
    assert f is not None
    assert (f.recipient.name, f.recipient.phone) == ("John Smith", "+12065550123")
    assert f.recipient.address == "88 Pine Avenue Apt 4B Seattle, WA 98101"
    assert f.sender is not None and f.sender.name == "Mary Brown"


def test_inline_caption_before_the_name() -> None:
    f = read_layout(runs(("TO Karen Wilson", 20, 250), ("TEL 717.555.7913", 20, 300),
                         ("2834 Washington Avenue Apt 11C, Springfield, IL 62704", 20, 350)), W).fields
    assert f is not None and f.recipient.name == "Karen Wilson" and f.recipient.phone == "+17175557913"


def test_no_caption_picks_the_block_with_phone_and_full_address() -> None:
    """A Cainiao-like sticker: pickup code, recipient without caption, a shop line and waybill number."""
    f = read_layout(runs(("菜鸟驿站", 20, 10), ("取件码", 190, 70), ("3-5-1234", 190, 100, 44),
                         ("张勇 135-2232-1986", 20, 300), (ZH_RCPT, 20, 340),
                         ("寄：李芳 官方店", 20, 420, 26), ("运单 SF079229062853", 20, 460, 26)), W).fields
    assert f is not None and f.recipient.phone == "+8613522321986" and f.recipient.address == ZH_RCPT
    assert f.tracking_no == "SF079229062853"


def test_no_caption_at_all_prefers_the_larger_print() -> None:
    """Two captionless blocks (return address top left, recipient below in bigger print)."""
    f = read_layout(runs(("Karen Brown", 20, 16, 20), ("+1 659-555-8810", 20, 47, 20),
                         ("2497 Lake Boulevard Apt 25B", 20, 79, 20), ("Denver, CO 80202", 20, 111, 20),
                         ("Emma Taylor", 20, 207, 36), ("413.555.1177", 20, 257, 28),
                         ("3699 Market Avenue Apt 4A", 20, 305, 36), ("Denver, CO 80202", 20, 355, 30)), W).fields
    assert f is not None and f.recipient.name == "Emma Taylor"
    assert f.sender is not None and f.sender.name == "Karen Brown"


def test_sender_first_with_inline_captions() -> None:
    """JD-like: the sender on top (smaller), then 收件人：name phone, the address under it."""
    f = read_layout(runs(("寄件人：赵明静 17789611146", 20, 50, 26), (ZH_SNDR, 20, 83, 26),
                         ("收件人：周杰明 190 0234 3182", 20, 160), (ZH_RCPT, 20, 205),
                         ("重量：0.7kg 件数：1/1", 20, 290, 26)), W).fields
    assert f is not None and f.recipient.name == "周杰明" and f.recipient.address == ZH_RCPT
    assert f.sender is not None and f.sender.address == ZH_SNDR


def test_sender_caption_only_marks_the_other_block_as_recipient() -> None:
    """The sender is captioned, the recipient (same print size) is not: the uncaptioned block wins."""
    f = read_layout(runs(("寄", 22, 480, 30), ("何明伟 174-5380-1843", 86, 470), (ZH_SNDR, 86, 510),
                         ("郭静杰 16587306751", 80, 290), (ZH_RCPT, 82, 333)), W).fields
    assert f is not None and f.recipient.name == "郭静杰"


def test_side_by_side_columns() -> None:
    """EMS-like: sender left, recipient right, captions over each, name and phone on two lines."""
    f = read_layout(runs(("寄件人：", 14, 150, 30), ("收件人：", 320, 150, 30),
                         ("胡超", 15, 185, 26), ("赵丽敏", 320, 185),
                         ("电话：132-0417-0469", 16, 217, 26), ("湖北省武汉市洪山区文一西", 15, 250, 26),
                         ("电话：183-0307-5117", 320, 233), ("路211号7栋1001室", 15, 282, 26),
                         ("广东省深圳市南山区解放路78", 320, 270), ("号1栋1703室", 354, 318)), W).fields
    assert f is not None
    assert (f.recipient.name, f.recipient.phone) == ("赵丽敏", "+8618303075117")
    assert f.recipient.address == "广东省深圳市南山区解放路78号1栋1703室"
    assert f.sender is not None and f.sender.address == "湖北省武汉市洪山区文一西路211号7栋1001室"


def test_boxed_caption_left_of_the_block() -> None:
    """SF/ZTO-like: a boxed 收 or a caption cell left of the name line."""
    f = read_layout(runs(("收", 10, 300, 40), ("何涛 136 2915 5147", 80, 295), (ZH_RCPT, 80, 340),
                         ("寄", 10, 480, 30), ("李芳 179-7973-2064", 80, 476, 26), (ZH_SNDR, 80, 506, 26)), W).fields
    assert f is not None and f.recipient.name == "何涛"
    assert f.sender is not None and f.sender.name == "李芳"


def test_no_recipient_says_what_was_seen() -> None:
    r = read_layout(runs(("寄件人", 20, 10), ("李娜 139 0000 1111", 20, 50), (ZH_SNDR, 20, 90),
                         ("SF1234567890123", 20, 200)), W)
    assert r.fields is None
    assert r.seen == "sender block, tracking number, 1 phone and 1 address line found, no recipient address"
    assert read_layout((), W).seen == "no text found on the label"


def test_tracking_numbers_and_order_numbers_are_not_phones() -> None:
    assert find_phone("SF13812345678")[1] is None
    assert classify("订单号 13812345678").phone is None
    assert classify("TRK# 9594 6278 3050").phone is None
    assert classify("电话：183-0307-5117").before_phone == ""
    assert classify("收件人：周杰明 190 0234 3182").side == "to"
    assert classify("Tom Lee 415-555-0100").side is None


def test_an_address_does_not_run_across_a_printed_rule() -> None:
    """Recipient and sender blocks with the sender's caption and phone line lost (a sticker over them): the
    rule between the blocks ends the recipient's address; without it the address runs on into the sender's."""
    rows = runs(("收件人", 20, 200, 30), ("王伟 138 1234 5678", 20, 240), (ZH_RCPT[:14], 20, 290),
                (ZH_RCPT[14:], 20, 340), ("广东省深圳市南山区科技园路100号2栋", 20, 392, 26))
    ran_on = read_layout(rows, W).fields
    assert ran_on is not None and ran_on.recipient.address.startswith(ZH_RCPT + "广东省")
    f = read_layout(rows, W, (RowRule(385, 0, W),)).fields
    assert f is not None and f.recipient.address == ZH_RCPT


def test_a_long_number_ends_a_chinese_address() -> None:
    """A sender's phone that OCR garbled into no valid phone (7+ digits) is not the recipient's address tail."""
    f = read_layout(runs(("收件人", 20, 200, 30), ("王伟 138 1234 5678", 20, 240), (ZH_RCPT[:14], 20, 290),
                         (ZH_RCPT[14:], 20, 340), ("3孙1865892", 20, 390), ("江苏省南京市鼓楼区人民路8号", 20, 440)), W).fields
    assert f is not None and f.recipient.address == ZH_RCPT


def test_a_recipient_whose_phone_is_unreadable_is_not_replaced_by_the_sender() -> None:
    """The recipient's phone garbled, no captions: the bigger full address without a phone is the recipient,
    not the sender's smaller block that has one."""
    f = read_layout(runs(("王伟 138 12三4 56", 20, 240), (ZH_RCPT[:14], 20, 290), (ZH_RCPT[14:], 20, 340),
                         ("李娜 139 0000 1111", 20, 420, 24), (ZH_SNDR, 20, 450, 24)), W, (RowRule(400, 0, W),)).fields
    assert f is not None
    assert (f.recipient.name, f.recipient.phone, f.recipient.address) == ("王伟", None, ZH_RCPT)
    assert f.sender is not None and f.sender.phone == "+8613900001111"


def test_a_sender_caption_does_not_reach_across_a_rule() -> None:
    """USPS-like: SENDER: over the return address, a rule, then the recipient whose phone OCR garbled and
    whose name line Tesseract boxed tall; the caption above the rule is not the recipient's."""
    rows = runs(("SENDER:", 20, 128, 20), ("Mary Miller", 20, 161, 24), ("(630) 555-9410", 20, 193, 24),
                ("1765 Park Lane Apt 30D", 20, 225, 26), ("Portland, OR 97201", 20, 258, 22),
                ("Emma Wilson +1 492-55)", 0, 305, 90), ("3887 Maple Lane Apt 3B", 74, 368), ("Boston, MA 02108", 74, 417))
    assert read_layout(rows, W).fields is None
    f = read_layout(rows, W, (RowRule(295, 0, W),)).fields
    assert f is not None and f.recipient.address == "3887 Maple Lane Apt 3B Boston, MA 02108"
    assert f.recipient.name == "Emma Wilson" and f.recipient.phone is None


def test_the_signature_box_is_no_recipient_caption() -> None:
    """签收人 (signed by) is one character from 收件人 but carrier print, not a caption."""
    assert classify("签收人 :").side is None
    assert classify("收件人四").side == "to"


def test_an_address_box_overlapping_its_phone_line_is_still_under_it() -> None:
    """Tesseract's boxes of two adjacent big lines overlap (322 < 352): the address is still the phone's."""
    rows = (TextLine("收", 75.0, (12, 287, 60, 362)), TextLine("周芳洋166-8659-6719", 66.0, (83, 300, 461, 352)),
            TextLine("广东省广州市天河区人民路268号2栋501室", 92.0, (83, 322, 761, 406)))
    f = read_layout(rows, W).fields
    assert f is not None and (f.recipient.phone, f.recipient.address) == ("+8616686596719", "广东省广州市天河区人民路268号2栋501室")


def test_without_captions_the_bigger_print_is_the_recipient_even_garbled() -> None:
    """Both captions unread, the recipient's province garbled by blur: its bigger print still makes it the
    recipient, not the sender's complete address in small print."""
    f = read_layout(runs(("朱强明 181-3343-5321", 80, 294, 40), ("四成者让全区滨河大道93有102", 80, 340, 40),
                         ("李勇 153 3334 7304", 80, 464, 26), ("湖北省武汉市洪山区中山大道675号16栋2302室", 80, 497, 26)),
                    W, (RowRule(446, 0, W),)).fields
    assert f is not None and f.recipient.phone == "+8618133435321"
    assert f.sender is not None and f.sender.phone == "+8615333347304"


def test_print_size_comes_from_widths_not_swollen_boxes() -> None:
    """A 28 px sender line whose box Tesseract swelled to 48 px is still smaller print than 36 px recipient lines."""
    sender = TextLine("广东省深圳市福田区长江路660号6栋1601室", 60.0, (89, 544, 628, 592))  # 48 px box, ~27 px em
    recipient = TextLine("湖北省武汉市洪山区长江路962号16栋70", 94.0, (84, 400, 777, 436))  # 36 px box, ~37 px em
    assert sender.height > recipient.height
    assert print_size([sender]) < 0.87 * print_size([recipient])


def test_a_line_cut_into_two_blocks_is_joined_unless_a_column_rule_parts_them() -> None:
    """Tesseract's page layout can cut one address line into two blocks at a gap: the right part, on the
    same row just after the left, is the address's; across a printed column rule it is another block's."""
    rows = (TextLine("胡勇涛 146-9021-5611", 66.0, (29, 230, 469, 285)),
            TextLine("区解放路230号1栋1201室", 92.0, (332, 287, 758, 334)),
            TextLine("浙江省杭州市余杭", 95.0, (25, 287, 330, 340)))
    f = read_layout(rows, W).fields
    assert f is not None and f.recipient.address == "浙江省杭州市余杭区解放路230号1栋1201室"
    cut = read_layout(rows, W, (), (Rule(331, 200, 400),)).fields
    assert cut is not None and cut.recipient.address == "浙江省杭州市余杭"


@pytest.mark.parametrize("label", ["地址：", "收货地址:", "详细地址 ", "Address: "])
def test_a_printed_field_label_is_no_part_of_the_address(label: str) -> None:
    """J&T prints 地址： before the address, Deppon 收货地址：; the label is dropped, the address kept."""
    address = ZH_RCPT if label[0] != "A" else "88 Pine Avenue Apt 4B"
    assert classify(label + address).rest == address
    assert classify("地址不详 路").rest == "地址不详 路"  # only a label at the start, followed by its text


def test_a_phone_printed_after_the_address_is_the_recipients() -> None:
    """DHL: TO, the name, the address, the country, then the phone; a sender block above a rule."""
    f = read_layout(runs(("From:", 20, 82, 18), ("James Lewis", 20, 106, 18), ("3924 Park Street Apt 25B", 20, 130, 18),
                         ("Portland, OR 97201", 20, 154, 18), ("+1 341-555-8976", 20, 178, 18),
                         ("TO", 20, 230, 28), ("John Smith", 90, 230), ("2345 Hill Lane Apt 12B", 90, 280),
                         ("San Francisco, CA 94103", 90, 320), ("UNITED STATES", 90, 360, 28),
                         ("Contact: (318) 555-9991", 90, 396, 26), ("WAYBILL 10 3618 3258", 20, 460, 24)),
                    W, (RowRule(215, 0, W), RowRule(440, 0, W))).fields
    assert f is not None
    assert (f.recipient.name, f.recipient.phone) == ("John Smith", "+13185559991")
    assert f.recipient.address == "2345 Hill Lane Apt 12B San Francisco, CA 94103"
    assert f.sender is not None and f.sender.phone == "+13415558976"
