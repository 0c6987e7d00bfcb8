"""Quality of a department's reply to an appeal: relevance, completeness, interpretability, timeliness.

Every score is in [0, 1] and built from signals a supervisor can check by reading the reply:

- 相关性 relevance: TF-IDF cosine between reply and appeal (saturating at RELEVANCE_FULL, since a good reply
  uses its own words too) and how many of the appeal's key terms the reply takes up, blended with whether
  the reply names the places the appeal names.
- 完整性 completeness: how many of the appeal's key terms the reply takes up, whether it reports findings
  (经查, 经核实 ...), and whether it is long enough to answer (full at COMPLETE_CHARS). Length is crude but
  measured: it tracks two readers' completeness grades better than any word list of actions (docs/insight.md).
- 可解释性 interpretability: whether it explains (因为, 根据 ...), cites policy or law (《...》, 条例,
  第N条 ...) and gives next steps or contacts (联系电话, 可到 ... 办理 ...).
- 时效性 timeliness: 1 up to `good_days` after the appeal, 0 from `bad_days`, linear between.

Flags for supervisors: boilerplate (near-identical to several other replies once names, dates and numbers are
masked) and evasive (short, only passes the appeal on or sends the citizen elsewhere).
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .embedding import TfidfEmbedder
from .grouping import near_duplicate_groups
from .places import places
from .text import normalize

RELEVANCE_FULL = 0.35
COVERAGE_FULL = 0.5  # half of the appeal's 10 key terms taken up counts as full coverage
COMPLETE_CHARS = 400
GOOD_DAYS = 7
BAD_DAYS = 60
BOILERPLATE_MIN_COPIES = 3
BOILERPLATE_JACCARD = 0.8
EVASIVE_MAX_CHARS = 120
EMPTY_MAX_CHARS = 20  # "网友您好！留言已收悉" and nothing else

_FINDINGS = re.compile(
    # stated as done: "转交…核实、办复" (passed on to be checked) is not a finding
    r"经查|经核实|经核查|经调查|经了解|经现场|现场查看|实地查看|调查核实|核实情况|查明|经研究|据了解"
)
_EXPLAINS = re.compile(r"因为|由于|原因|根据|依据|按照|鉴于|所以|因此|目前|属于|不属于|需要|符合|不符合")
_CITES = re.compile(
    r"《[^》]{2,40}》|条例|规定|办法|实施细则|法律|法规|政策|文件|通知|意见|第[一二三四五六七八九十百\d]+条"
)
_NEXT_STEPS = re.compile(
    r"联系电话|电话|咨询|可到|可至|可向|请您|前往|办理|地址|窗口|携带|申请|\d{7,}|联系人|热线|网址|公众号"
)
_EVASIVE = re.compile(
    r"已转|转交|转至|转送|转办|请咨询|请向|请与.{0,20}联系|建议您(到|向|咨询|通过)|耐心等待|已有相关单位|"
    r"已经?答复|详见|链接|不属于.{0,10}(职责|管辖)"
)
_MASK = re.compile(r"[A-Za-z]*\d[\w.:/-]*|“[^”]{0,20}”|网友|[A-Z]\d*[市区县]")


@dataclass(frozen=True)
class ReplyScores:
    relevance: float
    completeness: float
    interpretability: float
    timeliness: float | None  # None when either time is missing
    boilerplate: bool
    evasive: bool
    flags: str  # Chinese explanation of the flags, "" when none


def _graded(pattern: re.Pattern, text: str) -> float:
    """0 for no match, 0.7 for one, 1 for two or more distinct matches."""
    hits = {match.group() for match in pattern.finditer(text)}
    return 0.0 if not hits else 0.7 if len(hits) == 1 else 1.0


def timeliness(asked: datetime | None, answered: datetime | None, good_days=GOOD_DAYS, bad_days=BAD_DAYS):
    if asked is None or answered is None:
        return None
    days = (answered - asked).total_seconds() / 86400
    return float(np.clip((bad_days - days) / (bad_days - good_days), 0.0, 1.0))


def key_terms(vector, vocabulary: np.ndarray, count: int = 10) -> list[str]:
    """The appeal's highest-weighted TF-IDF words (unigrams only: bigrams are too strict to be reused)."""
    order = np.argsort(-vector.data)
    words = (vocabulary[vector.indices[i]] for i in order)
    return [word for word in words if "_" not in word][:count]


def _masked(reply: str) -> str:
    return _MASK.sub("", normalize(reply))


def boilerplate_copies(replies: list[str]) -> list[int]:
    """For each reply, how many other replies are near-identical to it once names and numbers are masked."""
    groups = near_duplicate_groups([[_masked(reply) for reply in replies]], [BOILERPLATE_JACCARD])
    sizes = Counter(groups)
    return [sizes[group] - 1 for group in groups]


def _coverage(reply: str, appeal_terms: list[str]) -> float:
    if not appeal_terms:
        return 0.0
    return min(1.0, sum(term in reply for term in appeal_terms) / len(appeal_terms) / COVERAGE_FULL)


def _relevance(appeal: str, reply: str, cosine: float, coverage: float) -> float:
    text_relevance = 0.5 * min(1.0, cosine / RELEVANCE_FULL) + 0.5 * coverage
    appeal_places = {place.name for place in places(appeal, kinds_of_place=True)}
    if not appeal_places:
        return text_relevance
    place_share = sum(name in reply for name in appeal_places) / len(appeal_places)
    return 0.75 * text_relevance + 0.25 * place_share


def _completeness(reply: str, coverage: float) -> float:
    findings = bool(_FINDINGS.search(reply))
    return 0.45 * coverage + 0.2 * findings + 0.35 * min(1.0, len(reply) / COMPLETE_CHARS)


def _interpretability(reply: str) -> float:
    return (
        0.35 * _graded(_EXPLAINS, reply) + 0.35 * _graded(_CITES, reply) + 0.3 * _graded(_NEXT_STEPS, reply)
    )


def _evasive(reply: str) -> bool:
    if len(_masked(reply)) <= EMPTY_MAX_CHARS:
        return True
    return len(reply) <= EVASIVE_MAX_CHARS and bool(_EVASIVE.search(reply)) and not _FINDINGS.search(reply)


def score_replies(
    appeals: list[str],
    replies: list[str],
    asked: list[datetime | None],
    answered: list[datetime | None],
    embedder: TfidfEmbedder | None = None,
    good_days: float = GOOD_DAYS,
    bad_days: float = BAD_DAYS,
) -> list[ReplyScores]:
    """Scores for parallel lists of appeal texts (title + detail), reply texts and their times."""
    embedder = embedder or TfidfEmbedder.default()
    vocabulary = embedder.vectorizer.get_feature_names_out()
    appeal_vectors = embedder.encode(appeals)
    cosines = np.asarray(appeal_vectors.multiply(embedder.encode(replies)).sum(axis=1)).ravel()
    copies = boilerplate_copies(replies)
    results = []
    for i, (appeal, raw_reply) in enumerate(zip(appeals, replies, strict=True)):
        reply = normalize(raw_reply)
        boilerplate = copies[i] >= BOILERPLATE_MIN_COPIES - 1
        evasive = _evasive(reply)
        flags = []
        if boilerplate:
            flags.append(f"模板化答复：与另外 {copies[i]} 条答复几乎相同")
        if evasive:
            flags.append("推诿或空洞答复：只转交、让群众另行咨询或没有实质内容，未说明核查和处理结果")
        coverage = _coverage(reply, key_terms(appeal_vectors[i], vocabulary))
        results.append(
            ReplyScores(
                round(_relevance(appeal, reply, float(cosines[i]), coverage), 3),
                round(_completeness(reply, coverage), 3),
                round(_interpretability(reply), 3),
                timeliness(asked[i], answered[i], good_days, bad_days),
                boilerplate,
                evasive,
                "；".join(flags),
            )
        )
    return results
