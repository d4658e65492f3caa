# SPDX-License-Identifier: Apache-2.0
"""Life topics (服务主题): the national government service platform's theme vocabulary.

Two groups, as on the platform: themes for citizens (个人, 自然人主题) and themes
for enterprises and organisations (法人, along the life of a business). The
lists and their order follow the platform's theme codes (个人 005 生育收养 …
155 死亡殡葬, 999 其他; 法人 005 设立变更 … 170 档案文物, 999 其他); the code
tables were checked against a public government-services system's constants
(see docs/catalogue.md, "Themes"). 地方特色分类 (998, local extras) is left out.

A theme is written ``组:名`` inside the kiosk (``个人:户籍办理``), so the nine
names that both groups use (社会保障, 医疗卫生 …) stay apart. Nothing here
imports the catalogue.
"""
from __future__ import annotations

import re
from functools import lru_cache

PERSONAL = "个人"
LEGAL = "法人"
GROUPS = (PERSONAL, LEGAL)

PERSONAL_THEMES = (
    "生育收养", "户籍办理", "民族宗教", "教育科研", "入伍服役", "就业创业", "设立变更", "准营准办",
    "抵押质押", "职业资格", "行政缴费", "婚姻登记", "优待抚恤", "规划建设", "住房保障", "社会保障",
    "证件办理", "交通出行", "旅游观光", "出境入境", "消费维权", "公共安全", "司法公证", "知识产权",
    "环保绿化", "文化体育", "公用事业", "医疗卫生", "离职退休", "死亡殡葬", "其他",
)
LEGAL_THEMES = (
    "设立变更", "准营准办", "资质认证", "年检年审", "税收财务", "人力资源", "社会保障", "投资审批",
    "融资信贷", "抵押质押", "商务贸易", "招标拍卖", "海关口岸", "涉外服务", "农林牧渔", "国土和规划建设",
    "交通运输", "环保绿化", "应对气候变化", "水务气象", "医疗卫生", "科技创新", "文体教育", "知识产权",
    "民族宗教", "质量技术", "检验检疫", "安全生产", "公安消防", "司法公证", "公用事业", "法人注销",
    "档案文物", "其他",
)
VOCABULARY = {PERSONAL: PERSONAL_THEMES, LEGAL: LEGAL_THEMES}
# The order citizens see: the everyday life events first (a first page in large mode), then
# the rest in code order. Legal themes keep the platform's order: a business's life stages.
EVERYDAY = ("生育收养", "户籍办理", "证件办理", "社会保障", "婚姻登记", "就业创业", "住房保障", "交通出行",
            "出境入境", "医疗卫生", "离职退休", "死亡殡葬")
DISPLAY = {PERSONAL: EVERYDAY + tuple(t for t in PERSONAL_THEMES if t not in EVERYDAY), LEGAL: LEGAL_THEMES}
# The platform's long label for 社会保障 in the personal list; accepted as the short one.
ALIASES = {"社会保障（社会保险、社会救助）": "社会保障", "社会保障(社会保险、社会救助)": "社会保障"}
_PREFIX = re.compile(r"^\s*(个人|法人)\s*[:：]\s*")


def groups_of(name: str) -> tuple[str, ...]:
    return tuple(g for g in GROUPS if name in VOCABULARY[g])


def key(group: str, name: str) -> str:
    return f"{group}:{name}"


def split(theme_key: str) -> tuple[str, str]:
    group, _, name = theme_key.partition(":")
    return group, name


@lru_cache(maxsize=4096)
def normalize(word: str, audience: tuple[str, ...] = (), strict: bool = False) -> tuple[str, ...]:
    """One written theme → its keys; raises ValueError naming what is allowed.

    ``个人:社会保障`` and ``法人:社会保障`` name one group. A bare name that only
    one group has is that group's; a bare name both groups have follows the
    item's audience when that names one group, else it is in both; with
    ``strict`` (the theme rules) it is an error.
    """
    m = _PREFIX.match(word)
    group = m.group(1) if m else None
    name = word[m.end():].strip() if m else word.strip()
    name = ALIASES.get(name, name)
    if group is not None:
        if name not in VOCABULARY[group]:
            raise ValueError(f"themes has {word!r}, not a {group} theme; {group} themes: "
                             f"{'、'.join(VOCABULARY[group])}")
        return (key(group, name),)
    found = groups_of(name)
    if not found:
        raise ValueError(f"themes has {word!r}, not a theme of the national platform; "
                         f"个人: {'、'.join(PERSONAL_THEMES)}; 法人: {'、'.join(LEGAL_THEMES)}")
    if len(found) > 1 and strict:
        raise ValueError(f"themes has {name!r}, which both lists have: write 个人:{name} or 法人:{name}")
    if len(found) > 1:
        only = [g for g in found if g in audience]
        if len(only) == 1:
            found = tuple(only)
    return tuple(key(g, name) for g in found)


def order(theme_key: str) -> tuple[int, int]:
    """Sort key: personal before legal, each in the platform's code order."""
    group, name = split(theme_key)
    vocab = VOCABULARY.get(group, ())
    return (GROUPS.index(group) if group in GROUPS else 9, vocab.index(name) if name in vocab else 999)
