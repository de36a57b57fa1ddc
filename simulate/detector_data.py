"""Seeded label texts and YOLO datasets from the simulator's parcel renderer.

Composition-root code: vision/ never imports simulate/, so the detector's training data and
the held-out evaluation sets are made here. Addresses use real administrative names so that
cpca (inside ingest.normalize) resolves them exactly as it would real orders.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulate.media.labels import TEMPLATES, render_template_photo
from simulate.media.parcel import LabelText, ParcelPhoto, render_parcel_photo, yolo_lines

# Leave-template-out: the reader is tuned and the detector trained on TUNE_TEMPLATES only;
# HELD_OUT_TEMPLATES (one per family: a Chinese sender-first label, a Chinese side-by-side
# label, an English label) measure how it reads a carrier it has never seen. Earlier sessions
# looked at their failures (to describe them), so FRESH_TEMPLATES (J&T, DHL; added 2026-12-07)
# were drawn before the reader changes of that round and first read only once the code was final.
# Their two gaps were then fixed, so FRESH2_TEMPLATES (Deppon, Amazon) were drawn before those fixes
# and first read after them.
HELD_OUT_TEMPLATES = ("jd", "ems", "fedex")
FRESH_TEMPLATES = ("jt", "dhl")
FRESH2_TEMPLATES = ("deppon", "amazon")
TUNE_TEMPLATES = tuple(t for t in TEMPLATES if t not in HELD_OUT_TEMPLATES + FRESH_TEMPLATES + FRESH2_TEMPLATES)

_ZH_PLACES = (
    ("广东省", "深圳市", "南山区"), ("广东省", "深圳市", "福田区"), ("广东省", "广州市", "天河区"),
    ("浙江省", "杭州市", "西湖区"), ("浙江省", "杭州市", "余杭区"), ("江苏省", "南京市", "鼓楼区"),
    ("江苏省", "苏州市", "姑苏区"), ("四川省", "成都市", "武侯区"), ("湖北省", "武汉市", "洪山区"),
    ("上海市", "上海市", "浦东新区"), ("北京市", "北京市", "海淀区"), ("山东省", "青岛市", "市南区"),
)
_ZH_ROADS = ("科技园路", "文一西路", "人民路", "解放路", "中山大道", "建设路", "学院路", "长江路",
             "和平街", "新华路", "东风路", "滨河大道")
_ZH_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_ZH_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超")
_EN_FIRST = ("John", "Mary", "James", "Linda", "Robert", "Susan", "David", "Karen", "Peter", "Emma")
_EN_LAST = ("Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Clark", "Lewis")
_EN_STREETS = ("Oak", "Maple", "Market", "Pine", "Cedar", "Elm", "Lake", "Hill", "Main", "Park", "Washington")
_EN_TYPES = ("Street", "Avenue", "Road", "Drive", "Lane", "Boulevard")
_EN_CITIES = (("Springfield", "IL", "62704"), ("San Francisco", "CA", "94103"), ("Austin", "TX", "73301"),
              ("Seattle", "WA", "98101"), ("Denver", "CO", "80202"), ("Boston", "MA", "02108"),
              ("Portland", "OR", "97201"), ("Columbus", "OH", "43004"))


def zh_address(rng: np.random.Generator) -> str:
    prov, city, dist = _ZH_PLACES[int(rng.integers(len(_ZH_PLACES)))]
    road = _ZH_ROADS[int(rng.integers(len(_ZH_ROADS)))]
    head = city if prov == city else prov + city
    unit = f"{int(rng.integers(1, 20))}栋{int(rng.integers(1, 30))}{int(rng.integers(1, 5)):02d}室"
    return f"{head}{dist}{road}{int(rng.integers(1, 999))}号{unit}"


def en_address(rng: np.random.Generator) -> str:
    city, state, zipcode = _EN_CITIES[int(rng.integers(len(_EN_CITIES)))]
    street = f"{_EN_STREETS[int(rng.integers(len(_EN_STREETS)))]} {_EN_TYPES[int(rng.integers(len(_EN_TYPES)))]}"
    return f"{int(rng.integers(1, 9999))} {street} Apt {int(rng.integers(1, 40))}{'ABCD'[int(rng.integers(4))]}, " \
           f"{city}, {state} {zipcode}"


def _zh_phone(rng: np.random.Generator) -> str:
    digits = "1" + str(int(rng.integers(3, 10))) + "".join(str(int(d)) for d in rng.integers(0, 10, 9))
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"


def _en_phone(rng: np.random.Generator) -> str:
    return f"+1 {int(rng.integers(201, 990))}-555-{int(rng.integers(0, 10000)):04d}"


def random_label_text(rng: np.random.Generator, language: str, recipient_address: str | None = None) -> LabelText:
    """A plausible label; `recipient_address` overrides the random recipient address."""
    if language == "zh":
        def name() -> str:
            return str(rng.choice(list(_ZH_SURNAMES))) + "".join(rng.choice(_ZH_GIVEN, int(rng.integers(1, 3))))
        track = "SF" + "".join(str(int(d)) for d in rng.integers(0, 10, 12))
        return LabelText("zh", name(), _zh_phone(rng), recipient_address or zh_address(rng),
                         name(), _zh_phone(rng), zh_address(rng), track)
    def en_name() -> str:
        return f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}"
    track = "1Z" + "".join(str(int(d)) for d in rng.integers(0, 10, 16))
    return LabelText("en", en_name(), _en_phone(rng), recipient_address or en_address(rng),
                     en_name(), _en_phone(rng), en_address(rng), track)


def template_photo(rng: np.random.Generator, template: str, difficulty: str) -> tuple[LabelText, ParcelPhoto]:
    """A random label text in the template's language, drawn with it and photographed."""
    text = random_label_text(rng, TEMPLATES[template].language)
    return text, render_template_photo(text, template, rng, difficulty)


@dataclass(frozen=True)
class DatasetSpec:
    root: Path
    n_train: int = 200
    n_val: int = 60
    seed: int = 0
    difficulty: str = "default"
    hard_share: float = 0.0  # this share of each split (every k-th photo) is rendered at "hard" instead
    templates: tuple[str, ...] = ()  # label templates, photo i uses templates[i % n]; () the classic label only
    wild_share: float = 0.0  # with templates: this share (every k-th photo) at "wild" (any orientation, folds)


def write_yolo_dataset(spec: DatasetSpec) -> Path:
    """Render photos + YOLO txt boxes under root/{images,labels}/{train,val}; return data.yaml.

    Languages alternate zh/en; photo i of a split is rendered from seed (seed, split, i), so a
    split's content does not depend on the other split's size.
    """
    (spec.root / _SPEC_FILE).unlink(missing_ok=True)  # incomplete until every photo is written again
    for split, n in (("train", spec.n_train), ("val", spec.n_val)):
        img_dir, lbl_dir = spec.root / "images" / split, spec.root / "labels" / split
        img_dir.mkdir(parents=True, exist_ok=True)
        lbl_dir.mkdir(parents=True, exist_ok=True)
        for i in range(n):
            rng = np.random.default_rng([spec.seed, 0 if split == "train" else 1, i])
            hard = spec.hard_share > 0 and i % max(1, round(1 / spec.hard_share)) == 1
            difficulty = "hard" if hard else spec.difficulty
            if spec.templates:
                wild = spec.wild_share > 0 and i % max(1, round(1 / spec.wild_share)) == 0
                _, photo = template_photo(rng, spec.templates[i % len(spec.templates)], "wild" if wild else difficulty)
            else:
                photo = render_parcel_photo(random_label_text(rng, "zh" if i % 2 == 0 else "en"), rng, difficulty)
            photo.image.save(img_dir / f"{i:05d}.jpg", quality=92)
            (lbl_dir / f"{i:05d}.txt").write_text(yolo_lines(photo))
    data = spec.root / "data.yaml"
    _write_atomic(data, f"path: {spec.root.resolve()}\ntrain: images/train\nval: images/val\n"
                        "names:\n  0: label\n  1: address_block\n")
    _write_atomic(spec.root / _SPEC_FILE, _spec_json(spec))  # last: marks the dataset complete
    return data


_SPEC_FILE = "spec.json"


def _spec_json(spec: DatasetSpec) -> str:
    return json.dumps({"n_train": spec.n_train, "n_val": spec.n_val, "seed": spec.seed,
                       "difficulty": spec.difficulty, "hard_share": spec.hard_share,
                       "templates": list(spec.templates), "wild_share": spec.wild_share}, sort_keys=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def existing_dataset(spec: DatasetSpec) -> Path | None:
    """data.yaml of a complete dataset already rendered under spec.root from the same spec, else None.

    Rendering is a pure function of the spec (seeded per photo), so an identical dataset need not
    be rendered again (≈ 0.3 s of CPU per photo).
    """
    marker, data = spec.root / _SPEC_FILE, spec.root / "data.yaml"
    if marker.is_file() and data.is_file() and marker.read_text() == _spec_json(spec):
        return data
    return None
