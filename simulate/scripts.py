"""Complaint-call scripts from intent templates, in English and Chinese.

Every script names one real order of the caller ({order}, 10 digits) and a callback phone
({phone}, digits only); speech rendering reads digits one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INTENTS = ("refund", "not_received", "empty_parcel", "damaged", "wrong_item", "coupon", "account_access")

_TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "refund": ("Hello, I returned order {order} last week and I still have not got my refund. "
                   "Please call me back at {phone}.",
                   "Hi, this is about order {order}. I want a refund today. My number is {phone}."),
        "not_received": ("Hi, my order {order} says delivered but I never received it. You can reach me at {phone}.",
                         "Hello, order {order} never arrived. Please check and call {phone}."),
        "empty_parcel": ("Hello, I opened the box for order {order} and it was empty. I need a refund. "
                         "My phone is {phone}.",
                         "The parcel for order {order} came with nothing inside. Call me on {phone}."),
        "damaged": ("Hi, the item in order {order} arrived broken. Please send a replacement. My number is {phone}.",),
        "wrong_item": ("Hello, I got the wrong item for order {order}. I want to return it. Call {phone} please.",
                       "Order {order} is not what I ordered. Please fix it, my phone is {phone}."),
        "coupon": ("Hi, my coupon did not apply to order {order}. I want the discount back. My number is {phone}.",
                   "Hello, the new user coupon was not used on order {order}. Please refund the difference to {phone}."),
        "account_access": ("Hi, I cannot log in to my account. My last order was {order} and my phone is {phone}.",),
    },
    "zh": {
        "refund": ("您好，我的订单{order}已经退货了，还没有收到退款，请尽快处理，我的电话是{phone}。",
                   "你好，订单{order}我要申请退款，麻烦回电{phone}。"),
        "not_received": ("您好，我的订单{order}显示已签收，但是我根本没有收到，我的电话是{phone}。",
                         "订单{order}一直没有收到货，请帮我查一下，联系电话{phone}。"),
        "empty_parcel": ("您好，订单{order}的包裹打开是空的，里面什么都没有，我要退款，电话{phone}。",
                         "我收到的订单{order}是空包裹，请给我退款，我的电话是{phone}。"),
        "damaged": ("你好，订单{order}的商品到货就坏了，请给我换货，电话{phone}。",),
        "wrong_item": ("您好，订单{order}发错货了，我要退货，我的电话是{phone}。",
                       "订单{order}收到的东西不对，请处理一下，联系电话{phone}。"),
        "coupon": ("您好，我的优惠券在订单{order}里没有用上，请把优惠退给我，电话{phone}。",
                   "新人优惠券没有抵扣订单{order}，请补偿差价，我的电话是{phone}。"),
        "account_access": ("你好，我的账号登录不上了，最近的订单是{order}，手机号{phone}。",),
    },
}


@dataclass(frozen=True)
class CallScript:
    language: str  # "zh" | "en"
    intent: str  # one of INTENTS
    text: str  # what is spoken (digits as digits; the audio reads them one by one)


def write_script(language: str, intent: str, order_id: str, phone_digits: str, rng: np.random.Generator) -> CallScript:
    options = _TEMPLATES[language][intent]
    text = options[int(rng.integers(len(options)))].format(order=order_id, phone=phone_digits)
    return CallScript(language, intent, text)
