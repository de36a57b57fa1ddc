"""OCR text cleanup and whole-label reads of OCR lines stacked top to bottom (one column)."""

from __future__ import annotations

from ingest.normalize import address_key
from vision.layout import read_layout
from vision.ocr import join_cjk, merge_split_glyphs, split_runs
from vision.parse import heading_kind, join_address
from vision.records import LabelFields, Rule, TextLine


def _read(*texts: str) -> LabelFields | None:
    """Lines stacked 50 px apart at x=20, 36 px tall, as wide as printed."""
    runs = tuple(TextLine(t, 90.0, (20, 50 * i, 20 + int(sum(36 if ord(c) > 0x3000 else 20 for c in t)), 50 * i + 36))
                 for i, t in enumerate(texts))
    return read_layout(runs, 800).fields


def test_zh_label_blocks() -> None:
    f = _read("快递运单", "| | ,", "SF123456789012", "收件人", "王伟 138 1234 5678", "广东省深圳市南山区科技园路88号3栋12",
              "01室", "寄件人", "李强 139 8765 4321", "浙江省杭州市西湖区文一西路9号")
    assert f is not None and f.language == "zh" and f.tracking_no == "SF123456789012"
    r = f.recipient
    assert (r.name, r.phone) == ("王伟", "+8613812345678")
    assert r.address == "广东省深圳市南山区科技园路88号3栋1201室"
    assert r.address_key == address_key("深圳市南山区科技园路88号3栋1201")
    assert r.address_parts is not None and r.address_parts.district == "南山区"
    assert f.sender is not None and f.sender.phone == "+8613987654321"


def test_en_label_with_misread_sender_heading() -> None:
    f = _read("EXPRESS PARCEL", "1Z12345678901234", "TO:", "John Smith +1 415-555-0123", "12 Oak Street Apt 4B,",
              "Springfield, IL 62704", "FR0M", "Mary Clark +1 212-555-0199", "9 Elm Road, Boston, MA 02108")
    assert f is not None and f.language == "en"
    assert f.recipient.address == "12 Oak Street Apt 4B, Springfield, IL 62704"
    assert f.sender is not None and f.sender.phone == "+12125550199"


def test_debris_only_is_no_recipient() -> None:
    assert _read("EXPRESS PARCEL", "|||") is None


def test_misread_headings_still_split_the_blocks() -> None:
    # 寄件人 read as 客件人 and the sender's bold name read as Latin
    f = _read("快递运单", "SF128063752695", "收件人四", "胡强171 2090 8450", "杭州市西湖区新华路2 0 1号18栋2", "0 0 3室",
              "客件人", "| QXBRAS 159.0268 8685", "四川省成都市武侯区长江路553号8栋2802室")
    assert f is not None and f.recipient.address == "杭州市西湖区新华路201号18栋2003室"
    assert f.sender is not None and f.sender.address.startswith("四川省成都市")


def test_unread_heading_does_not_take_the_tracking_number_for_a_phone() -> None:
    f = _read("EXPRESS PARCEL", "129845751954302237", "Li", "Mary Miller +1 522-555-8590", "355 Maple Street Apt 26A,",
              "Springfield, IL 62704", "FROM:", "James Clark +1 343-555-2616")
    assert f is not None and f.recipient.name == "Mary Miller"
    assert f.recipient.address == "355 Maple Street Apt 26A, Springfield, IL 62704"
    assert f.tracking_no == "129845751954302237"


def test_helpers() -> None:
    assert join_address(["12 Oak St", "Springfield"]) == "12 Oak St Springfield"
    assert join_address(["深圳市南山区", "科技园路"]) == "深圳市南山区科技园路"
    assert join_address(["杭州市西湖区新华路2 0 1号1 8栋2", "0 0 3室"]) == "杭州市西湖区新华路201号18栋2003室"
    assert join_cjk("广 东 省 深 圳 市 88 号") == "广东省深圳市88号"
    assert join_cjk("12 Oak St") == "12 Oak St"
    assert [heading_kind(t) for t in ("收件人", "容件人", "FROM :", "王伟", "0 0 3室")] == ["to", "any", "from", None, None]


def test_digit_context_confusions_are_fixed_only_between_numbers() -> None:
    assert join_address(["武汉市洪山区和平街8 1工号3栋2 6 0", "工"]) == "武汉市洪山区和平街811号3栋2601"
    assert join_address(["上海市浦东新区滨河大道6 3 8号4株3 0", "2"]) == "上海市浦东新区滨河大道638号4栋302"
    assert join_address(["株洲市天元区工业路3号"]) == "株洲市天元区工业路3号"
    assert join_address(["南京市鼓楼区8号工业园"]) == "南京市鼓楼区8号工业园"


def test_a_glyph_split_into_two_stacked_lines_is_joined_for_a_reread() -> None:
    lines = [("杭州市西湖区新华路201号18栋2003", 90.0, (10, 100, 700, 140)), ("一", 80.0, (12, 150, 40, 158)),
             ("至", 95.0, (12, 160, 42, 185)), ("寄件人", 93.0, (10, 200, 90, 225))]
    merged = merge_split_glyphs(lines, 3)
    assert [t for t, _, _ in merged] == ["杭州市西湖区新华路201号18栋2003", "一至", "寄件人"]
    assert merged[1][1] == 0.0 and merged[1][2] == (12, 150, 42, 185)


def test_a_line_across_a_column_rule_is_split_into_runs() -> None:
    """Side-by-side blocks whose rows align: Tesseract joins them; the rule (x=330), a bar or a gap splits them."""
    words = [("湖北省武汉市", 90.0, (15, 230, 200, 270)), ("文一西", 90.0, (205, 230, 320, 270)),
             ("电话:", 90.0, (340, 230, 420, 270)), ("183-0307-5117", 90.0, (425, 230, 660, 270))]
    assert [[w for w, _, _ in r] for r in split_runs(words, (Rule(330, 200, 400),), 3.0)] == [
        ["湖北省武汉市", "文一西"], ["电话:", "183-0307-5117"]]
    barred = words[:2] + [("|", 90.0, (328, 228, 332, 272))] + words[2:]
    assert len(split_runs(barred, (), 3.0)) == 2
    # a rule that ends above the line (a QR code's module column) does not cut it
    assert len(split_runs(words, (Rule(330, 20, 180),), 3.0)) == 1
    far = [("王伟", 90.0, (10, 0, 80, 40)), ("李娜", 90.0, (400, 0, 470, 40))]
    assert len(split_runs(far, (), 3.0)) == 2 and len(split_runs(far[:1], (), 3.0)) == 1
