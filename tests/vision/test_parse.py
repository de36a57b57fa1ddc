"""Label parsing on hand-built OCR lines."""

from __future__ import annotations

from ingest.normalize import address_key
from vision.ocr import join_cjk, merge_split_glyphs
from vision.parse import heading_kind, is_latin_recipient_heading, join_address, parse_label, split_name_phone
from vision.records import OcrLine


def _lines(*texts: str) -> tuple[OcrLine, ...]:
    return tuple(OcrLine(t, 90.0) for t in texts)


def test_zh_label_blocks() -> None:
    f = parse_label(_lines("快递运单", "| | ,", "SF123456789012", "收件人", "王伟 138 1234 5678",
                           "广东省深圳市南山区科技园路88号3栋12", "01室", "寄件人", "李强 139 8765 4321",
                           "浙江省杭州市西湖区文一西路9号"))
    assert f is not None and f.language == "zh" and f.tracking_no == "SF123456789012"
    r = f.recipient
    assert (r.name, r.phone) == ("王伟", "+8613812345678")
    assert r.address == "广东省深圳市南山区科技园路88号3栋1201室"
    assert r.address_key == address_key("深圳市南山区科技园路88号3栋1201")
    assert r.address_parts is not None and r.address_parts.district == "南山区"
    assert f.sender is not None and f.sender.phone == "+8613987654321"


def test_en_label_with_misread_sender_heading() -> None:
    f = parse_label(_lines("EXPRESS PARCEL", "1Z12345678901234", "TO:", "John Smith +1 415-555-0123",
                           "12 Oak Street Apt 4B,", "Springfield, IL 62704", "FR0M", "Mary Clark +1 212-555-0199",
                           "77 Broadway Ave, New York, NY 10004"))
    assert f is not None and f.language == "en"
    assert f.recipient.address == "12 Oak Street Apt 4B, Springfield, IL 62704"
    assert f.recipient.phone == "+14155550123"
    assert f.sender is not None and f.sender.name == "Mary Clark"


def test_decorated_heading_and_tracking_line() -> None:
    f = parse_label(_lines("EXPRESS PARCEL", "— 1Z26026967933062381", "‘To:", "Mary Brown +1 708-555-7578",
                           "339 Hill Drive Apt 3B, San", "Francisco, CA 94103", "FROM:", "John Miller +1 247-555-7590"))
    assert f is not None and f.tracking_no == "1Z26026967933062381"
    assert f.recipient.address == "339 Hill Drive Apt 3B, San Francisco, CA 94103"


def test_no_recipient_block_is_none() -> None:
    assert parse_label(_lines("EXPRESS PARCEL", "|||")) is None


def test_helpers() -> None:
    assert split_name_phone("王小明138 1234 5678") == ("王小明", "138 1234 5678")
    assert split_name_phone("John Smith") == ("John Smith", "")
    assert split_name_phone("— 1Z26026967933062381") == ("— 1Z26026967933062381", "")
    assert join_address(["12 Oak St", "Springfield"]) == "12 Oak St Springfield"
    assert join_address(["深圳市南山区", "科技园路"]) == "深圳市南山区科技园路"
    assert join_address(["杭州市西湖区新华路2 0 1号1 8栋2", "0 0 3室"]) == "杭州市西湖区新华路201号18栋2003室"
    assert join_cjk("广 东 省 深 圳 市 88 号") == "广东省深圳市88号"
    assert join_cjk("12 Oak St") == "12 Oak St"


def test_misread_headings_still_split_the_blocks() -> None:
    # 寄件人 read as 客件人 and the sender's bold name read as Latin (no phone found on its line)
    f = parse_label(_lines("快递运单", "SF128063752695", "收件人四", "胡强171 2090 8450",
                           "杭州市西湖区新华路2 0 1号18栋2", "0 0 3室", "客件人", "| QXBRAS 159.0268 8685",
                           "四川省成都市武侯区长江路553号8栋2802室"))
    assert f is not None and f.recipient.address == "杭州市西湖区新华路201号18栋2003室"
    assert f.sender is not None and f.sender.address.startswith("四川省成都市")
    assert [heading_kind(t) for t in ("收件人", "容件人", "FROM :", "王伟", "0 0 3室")] == ["to", "any", "from", None, None]


def test_digit_context_confusions_are_fixed_only_between_numbers() -> None:
    assert join_address(["武汉市洪山区和平街8 1工号3栋2 6 0", "工"]) == "武汉市洪山区和平街811号3栋2601"
    assert join_address(["上海市浦东新区滨河大道6 3 8号4株3 0", "2"]) == "上海市浦东新区滨河大道638号4栋302"
    assert join_address(["株洲市天元区工业路3号"]) == "株洲市天元区工业路3号"
    assert join_address(["南京市鼓楼区8号工业园"]) == "南京市鼓楼区8号工业园"


def test_unread_heading_does_not_take_the_tracking_number_for_a_phone() -> None:
    f = parse_label(_lines("EXPRESS PARCEL", "129845751954302237", "Li", "Mary Miller +1 522-555-8590",
                           "355 Maple Street Apt 26A,", "Springfield, IL 62704", "FROM:", "James Clark +1 343-555-2616"))
    assert f is not None and f.recipient.name == "Mary Miller"
    assert f.recipient.address == "355 Maple Street Apt 26A, Springfield, IL 62704"


def test_a_glyph_split_into_two_stacked_lines_is_joined_for_a_reread() -> None:
    lines = [("杭州市西湖区新华路201号18栋2003", 90.0, (10, 100, 700, 140)), ("一", 80.0, (12, 150, 40, 158)),
             ("至", 95.0, (12, 160, 42, 185)), ("寄件人", 93.0, (10, 200, 90, 225))]
    merged = merge_split_glyphs(lines, 3)
    assert [t for t, _, _ in merged] == ["杭州市西湖区新华路201号18栋2003", "一至", "寄件人"]
    assert merged[1][1] == 0.0 and merged[1][2] == (12, 150, 42, 185)


def test_latin_recipient_heading() -> None:
    assert all(is_latin_recipient_heading(t) for t in ("TO:", "| TO:", "TO", "TO':"))
    assert not any(is_latin_recipient_heading(t) for t in ("收件人", "| 收件人", "1四四", "", "FROM:", "四"))
