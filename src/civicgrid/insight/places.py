"""Places and groups of people named in an appeal: compounds, roads, schools, companies; owners, students...

Names are found by their suffix (小区, 路, 学院, 公司...) and extended backwards over the words before it
while jieba tags them as parts of a name (nouns, place names, numbers...), at most three words.
Masked administrative codes (A市, A5区, K3县), which the data set uses instead of real district names,
end a name; the commonest one is put in front of the reported location.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from .text import normalize, pos_tag

# Suffix -> kind; the longest suffix is tried first so that 有限公司 wins over 公司.
_SUFFIXES = {
    "compound": (
        "小区",
        "花园",
        "家园",
        "公寓",
        "新村",
        "花苑",
        "华府",
        "华庭",
        "山庄",
        "庭院",
        "雅苑",
        "大厦",
        "广场",
        "苑",
        "城",
        "府",
    ),
    "road": ("大道", "路", "街", "巷"),
    "school": ("学院", "学校", "大学", "中学", "小学", "幼儿园", "职校", "技校"),
    "company": ("有限公司", "公司", "集团", "医院", "工厂", "厂", "酒店", "市场", "车站"),
}
_SUFFIX_KIND = {suffix: kind for kind, suffixes in _SUFFIXES.items() for suffix in suffixes}
_SUFFIX_LENGTHS = sorted({len(suffix) for suffix in _SUFFIX_KIND}, reverse=True)
# Part-of-speech flags (jieba) that may form part of a proper name: nouns, place/organisation names,
# abbreviations, numbers, letters, distinguishing words and unknown words.
_NAME_FLAGS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng", "j", "eng", "m", "b", "x", "an", "l", "s"}
_NAME_WORDS = {"之"}
_PIECES = re.compile(r"[A-Z]\d*[市区县镇乡]|西地省|[，。！？；：、“”‘’（）()《》【】,.!?;:\s\"'\-]")
_ADMIN = re.compile(r"(?:[A-Z]\d*市)?[A-Z]\d*[区县市]")
_GROUP = re.compile(
    r"学生|业主|居民|农民工|家长|教师|老师|老人|村民|职工|员工|司机|商户|患者|考生|租户|残疾人|受害人|出借人"
)
# Bare suffixes or generic words that are not a particular place.
_GENERIC = {
    "这个小区",
    "我们小区",
    "整个小区",
    "老小区",
    "新小区",
    "道路",
    "马路",
    "公路",
    "街道",
    "大街",
    "小巷",
    "学校",
    "大学",
    "中学",
    "小学",
    "公司",
    "有限公司",
    "集团",
    "医院",
    "工厂",
    "市场",
    "城市",
    "县城",
    "省城",
    "物业公司",
    "居民小区",
    "安置小区",
    "老旧小区",
    "开发公司",
    "物业管理公司",
    "商城",
    "全城",
    "进城",
    "同城",
    "满城",
    "老城",
    "新城",
    "政府",
    "本市",
    "路段",
    "街巷",
}

# Kinds of place rather than places: in hot issues they would join every appeal about any such place, but a
# reply that takes one up still answers the appeal (reply relevance counts them).
_KINDS_OF_PLACE = {
    "住宅小区",
    "居住小区",
    "城镇小区",
    "新建小区",
    "高速公路",
    "快速路",
    "城市快速路",
    "城际铁路",
    "水泥路",
    "泥巴路",
    "大马路",
    "必经之路",
    "走投无路",
    "商业街",
    "步行街",
    "有限责任公司",
    "房地产公司",
    "房地产市场",
}

# A count or pointer before a name is no part of it: 一个高端别墅小区, 这所学校.
_COUNTED = re.compile(r"^(?:[一两几这那每某该]|\d+)[个座所家栋处片条间]")
# Nor are words of position, quantity or contact that jieba tags as nouns and glues on: 地处时代倾城小区,
# 对面小区, 很多学校, 多次联系自来水公司.
_VAGUE = re.compile(
    r"^(?:地处|位于|距离|离|对面|附近|周边|所在|辖区|区内|境内|很多|许多|大部分|部分|所有|同一|整个|整条"
    r"|多次联系|联系|电话|这|那|因|而)"
)

# Words ending in a road suffix that name no road: bus routes (公交线路), routes in general.
_NOT_ROADS = ("线路", "路线", "网路", "思路", "出路", "道路")


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # compound, road, school, company, or "named" (a numbered name of the period, "58车贷")


# A number glued to a noun is sometimes the name of an issue that no dictionary knows: a P2P platform
# ("58车贷"), a metro line ("7号线"), a national road ("107国道"). The same shape also makes counts, units
# and dates ("2018年度", "2单元", "8车道"), which name nothing. A name counts when jieba tags the two to four
# characters after the number as a noun that is no unit, and the titles of several reporters of the period
# use it.
_NAME_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
_NUMBERED_NAME_FLAGS = {"n", "nz", "nt", "ns", "j"}
_UNIT_WORDS = (
    "年度", "季度", "月份", "个月", "周年", "周岁", "单元", "小时",
    "分钟", "公里", "平米", "平方", "分贝", "车道", "多年", "多天",
)  # fmt: skip
NAMED_MIN_REPORTERS = 3


def numbered_names(titles: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Numbered names ("58车贷", "7号线") used in the titles of at least NAMED_MIN_REPORTERS different
    reporters; `titles` are (reporter, title) pairs of one period."""
    reporters: dict[str, set[str]] = {}
    for reporter, title in titles:
        tagged = pos_tag(normalize(title))
        for (number, _), (word, flag) in pairwise(tagged):
            if (
                number.isdigit()
                and flag in _NUMBERED_NAME_FLAGS
                and _NAME_WORD.fullmatch(word)
                and not word.startswith(_UNIT_WORDS)
            ):
                reporters.setdefault(number + word, set()).add(reporter)
    return frozenset(name for name, who in reporters.items() if len(who) >= NAMED_MIN_REPORTERS)


def _suffix(word: str) -> tuple[str, str | None]:
    """(suffix, kind) of a word that ends like a place name, else ("", None)."""
    for length in _SUFFIX_LENGTHS:
        kind = _SUFFIX_KIND.get(word[-length:])
        if kind:
            return word[-length:], kind
    return "", None


def _suffix_kind(word: str) -> str | None:
    return _suffix(word)[1]


def _specific(name: str) -> bool:
    """A particular place, not a bare suffix or a generic word ("学校", "这个小区", "市政府").
    Companies need a longer name: two characters before 公司 are usually a trade ("置业", "电力")."""
    suffix, kind = _suffix(name)
    core = name[: len(name) - len(suffix)]
    minimum = 3 if kind == "company" else 2
    return (
        len(core) >= minimum
        and name not in _GENERIC
        and not name.endswith("政府")
        and not name.endswith(_NOT_ROADS)
    )


def _generic_core(name: str) -> bool:
    """A name whose part before the suffix is itself generic ("新城小区"): a fragment of several places."""
    suffix, _ = _suffix(name)
    return name[: len(name) - len(suffix)] in _GENERIC


def canonical_names(names: set[str]) -> dict[str, str]:
    """Map each place name to the shortest other name it contains ("万科魅力之城小区" -> "魅力之城"), so that
    different spellings of one place match; names are bucketed by their first two characters for speed.
    A contained name with a generic core is no spelling of the longer one: 新城小区, cut out of 丽发新城小区,
    is also in 山水新城小区."""
    by_start: dict[str, list[str]] = {}
    for name in sorted(names, key=len):
        if not _generic_core(name):
            by_start.setdefault(name[:2], []).append(name)
    mapping = {}
    for name in names:
        contained = [
            short
            for i in range(len(name) - 1)
            for short in by_start.get(name[i : i + 2], ())
            if short in name
        ]
        mapping[name] = min(contained, key=lambda short: (len(short), short)) if contained else name
    return mapping


def places(text: str, named: Iterable[str] = (), kinds_of_place: bool = False) -> list[Place]:
    """Specific places named in the text, in order of appearance, without repeats, then any of the `named`
    names (see `numbered_names`) the text contains; kinds of place (住宅小区, 高速公路) only if asked for."""
    found: dict[str, Place] = {}
    text = normalize(text)
    for piece in _PIECES.split(text):
        if len(piece) < 2:
            continue
        tagged = pos_tag(piece)
        index = 0
        while index < len(tagged):
            kind = _suffix_kind(tagged[index][0])
            if kind is None:
                index += 1
                continue
            # Absorb a following suffix word too: 魅力之城 + 小区 is one name.
            end = index + 1
            while end < len(tagged) and _suffix_kind(tagged[end][0]) == kind and len(tagged[end][0]) <= 3:
                end += 1
            start = index
            while start > 0 and (tagged[start - 1][1] in _NAME_FLAGS or tagged[start - 1][0] in _NAME_WORDS):
                if _suffix_kind(tagged[start - 1][0]) not in (None, kind) or index - start >= 3:
                    break
                start -= 1
            name = _VAGUE.sub("", _COUNTED.sub("", "".join(word for word, _ in tagged[start:end])))
            if _specific(name) and name not in found and (kinds_of_place or name not in _KINDS_OF_PLACE):
                found[name] = Place(name, kind)
            index = end
    for name in named:
        if re.search(rf"(?<!\d){name}", text):  # 1号线 is not in 11号线
            found.setdefault(name, Place(name, "named"))
    return list(found.values())


def admin_prefix(texts: list[str]) -> str:
    """The commonest masked city/district code in the texts, e.g. "A市A5区" or "A5区" ("" if none)."""
    codes = Counter(code for text in texts for code in _ADMIN.findall(normalize(text)))
    return codes.most_common(1)[0][0] if codes else ""


def groups(text: str) -> list[str]:
    return list(dict.fromkeys(_GROUP.findall(text)))


# Characters that end a name on its left: function words, pronouns, positions ("在丽发新城", "我们小区").
_NOT_NAME_CHARS = set("的在了是于到和与及我你他她们这那该个从向对把被给为就也都还又位住近旁边隔")
_ENDS_IN_ADMIN = re.compile(r"[A-Z]\d*[市区县镇乡]$")
_MAX_LEFT_GROWTH = 4


def _extend_left(name: str, texts: list[str]) -> str:
    """Grow a name leftwards while at least 80 % of its mentions (two or more) share the character before it:
    jieba cuts some names wrongly ("丽发" of 丽发新城 is tagged a verb), but writers spell the name in full.
    A masked district code, punctuation or a function word ends the name."""
    normalized = [normalize(text) for text in texts]
    for _ in range(_MAX_LEFT_GROWTH):
        before: Counter[str] = Counter()
        for text in normalized:
            start = text.find(name)
            while start >= 0:
                head = text[:start]
                ends_name = not head or _ENDS_IN_ADMIN.search(head) or not "\u4e00" <= head[-1] <= "\u9fff"
                before["" if ends_name else head[-1]] += 1
                start = text.find(name, start + 1)
        if not before:
            break
        char, count = before.most_common(1)[0]
        if not char or char in _NOT_NAME_CHARS or count < 2 or count < 0.8 * sum(before.values()):
            break
        name = char + name
    return name


def describe_location(texts: list[str], named: Iterable[str] = ()) -> str:
    """地点/人群 for a set of appeals: the specific place most of them name (a compound, school, company or
    numbered name before a road named as often: a road is usually the compound's address), with the district
    code in front and, for schools, companies and numbered names, the commonest group of people after."""
    counts: Counter[Place] = Counter(place for text in texts for place in places(text, named))
    if not counts:
        people = Counter(group for text in texts for group in groups(text))
        return f"{admin_prefix(texts)}{people.most_common(1)[0][0]}" if people else admin_prefix(texts)
    preference = {"compound": 0, "school": 0, "company": 0, "named": 0, "road": 1}
    place, _ = max(counts.items(), key=lambda item: (item[1], -preference[item[0].kind], len(item[0].name)))
    label = f"{admin_prefix(texts)}{_extend_left(place.name, texts)}"
    if place.kind in {"school", "company", "named"}:
        people = Counter(group for text in texts for group in groups(text))
        if people:
            label += people.most_common(1)[0][0]
    return label
