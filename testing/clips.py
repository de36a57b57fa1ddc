"""The scripted complaint calls the integration tests speak and transcribe."""

from __future__ import annotations

from testing.audio import Clip

# Ids avoid runs of three equal digits: tiny.en on espeak-ng's voice drops one of "five five five".
ENGLISH = (
    Clip("en_not_received", "en",
         "Hello. My parcel has not arrived. My order number is four five one two, three three nine, eight seven six. "
         "Please call me back at four one five, two eight six, zero one nine three.",
         "Hello. My parcel has not arrived. My order number is 4512339876. Please call me back at 4152860193.",
         "not_received", "4512339876", "+14152860193"),
    Clip("en_empty", "en",
         "Hi. The box was empty when it arrived. Order number seven zero three one, two eight four, six five nine. "
         "My phone is six four six, three nine two, eight one seven four.",
         "Hi. The box was empty when it arrived. Order number 7031284659. My phone is 6463928174.",
         "empty_parcel", "7031284659", "+16463928174"),
    Clip("en_damaged", "en",
         "Hello. My package arrived damaged and the screen is broken. The order is nine one eight two, "
         "seven three six, four five zero. Call me at two one two, seven four eight, three nine six one.",
         "Hello. My package arrived damaged and the screen is broken. The order is 9182736450. "
         "Call me at 2127483961.",
         "damaged", "9182736450", "+12127483961"),
    Clip("en_wrong_item", "en",
         "Hi. You sent me the wrong item, I ordered a blue jacket. Order number five two six one, nine eight three, "
         "zero seven four. My phone is three one two, six nine four, five eight two seven.",
         "Hi. You sent me the wrong item, I ordered a blue jacket. Order number 5261983074. "
         "My phone is 3126945827.",
         "wrong_item", "5261983074", "+13126945827"),
    Clip("en_coupon", "en",
         "Hello. The coupon did not apply at checkout. My order number is three eight four seven, one nine two, "
         "six five zero. Reach me at seven one eight, five three six, two nine four zero.",
         "Hello. The coupon did not apply at checkout. My order number is 3847192650. Reach me at 7185362940.",
         "coupon", "3847192650", "+17185362940"),
)

# Chosen where espeak-ng's pinyin voice is intelligible to base; ids read out in Mandarin come out
# mostly garbled (CER 0.9-1.0 measured), so Mandarin entities are unit-tested on text instead.
# zh_coupon is kept although base mishears it: the intent threshold is over a set that can fail.
MANDARIN = (
    Clip("zh_not_received", "zh", "我的快递一直没有收到，我要退款。", "我的快递一直没有收到，我要退款。", "not_received"),
    Clip("zh_empty", "zh", "箱子是空的，里面什么都没有。", "箱子是空的，里面什么都没有。", "empty_parcel"),
    Clip("zh_wrong_item", "zh", "你们发错货了，这不是我买的。", "你们发错货了，这不是我买的。", "wrong_item"),
    Clip("zh_coupon", "zh", "我的优惠券不能用。", "我的优惠券不能用。", "coupon"),
)
