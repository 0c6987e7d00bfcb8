"""Hot issues (热点问题): appeals of a period grouped into issues and ranked by a heat index.

Grouping: two appeals are about the same issue when they name the same specific place (compound, road,
school, company, a numbered name such as 58车贷), say something alike besides the place, and their texts
are similar (TF-IDF cosine of title and detail, the title counted twice because it states the problem);
without a shared place the texts must be very close. Average-linkage
agglomerative clustering on 1 - similarity, cut at a fixed distance, keeps issues tight without chaining
unrelated appeals together.

Heat index (higher = hotter), computed per issue from its appeals:

    heat = 2·ln(1 + reporters) + ln(1 + appeals) + ln(1 + likes) + 0.5·ln(1 + dislikes)
           + 2·recent_share - 0.25·ln(1 + span_days)

reporters = distinct users (many people count more than one person posting often), likes/dislikes show how
many others care, recent_share = share of the issue's appeals in the last 30 days of the period (growth),
and a long span dilutes heat slightly (a burst is hotter than a trickle). An issue needs at least two
distinct reporters. Logarithms keep one viral post from outranking a problem many people report.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering

from .embedding import TfidfEmbedder, char_bigrams
from .places import canonical_names, describe_location, numbered_names, places
from .text import normalize

# Similarity = TEXT_WEIGHT·cosine + PLACE_WEIGHT·[same specific place]: text alone must be very close.
TEXT_WEIGHT = 0.6
PLACE_WEIGHT = 0.4
# The place counts only when the texts share some words besides the place's name (cosine of the texts with
# names blanked): one compound's shop fumes and its cracked floors are two issues. Measured on the full 附件3
# file: 0.03-0.04 keep the sample's issues and 58车贷 whole and split the mixes; 0.05 splits 魅力之城's fumes.
PROBLEM_GATE = 0.035
# Kinds of place that can be where a problem happens without being what it is about (see _elsewhere).
SETTING_KINDS = {"road", "company"}
CLUSTER_DISTANCE = 0.7  # average similarity inside an issue >= 0.3
RECENT_DAYS = 30
MIN_REPORTERS = 2
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

SUMMARY_COLUMNS = ("热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述")
DETAIL_COLUMNS = ("问题ID", "留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "点赞数", "反对数")


@dataclass(frozen=True)
class Message:
    message_id: str
    user: str
    title: str
    detail: str
    time: datetime
    likes: int = 0
    dislikes: int = 0


@dataclass
class HotIssue:
    messages: list[Message]
    heat: float = 0.0
    location: str = ""
    description: str = ""
    rank: int = 0
    issue_id: int = 0
    factors: dict = field(default_factory=dict)

    @property
    def time_range(self) -> str:
        times = [message.time for message in self.messages]
        return f"{min(times):%Y/%m/%d} 至 {max(times):%Y/%m/%d}"


def parse_time(value: str) -> datetime:
    value = value.strip().replace("/", "-")
    for pattern in (TIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    raise ValueError(value)


def _similarity_text(message: Message) -> str:
    return f"{message.title} {message.title} {normalize(message.detail)[:300]}"


def similarity_matrix(
    messages: list[Message], embedder: TfidfEmbedder, named: frozenset[str] = frozenset()
) -> np.ndarray:
    texts = [_similarity_text(m) for m in messages]
    vectors = embedder.encode(texts)
    similarity = TEXT_WEIGHT * (vectors @ vectors.T).toarray()
    named_places = [places(f"{m.title} {m.detail[:300]}", named) for m in messages]
    found = [[place.name for place in named_here] for named_here in named_places]
    canonical = canonical_names({name for names in found for name in names})
    place_sets = [{canonical[name] for name in names} for names in found]
    names = sorted(set(canonical.values()))
    if names:
        column = {name: i for i, name in enumerate(names)}
        rows = [i for i, found in enumerate(place_sets) for _ in found]
        cols = [column[name] for found in place_sets for name in found]
        incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(messages), len(names)))
        rows, cols = (incidence @ incidence.T).nonzero()
        alike = _problem_similarity(texts, found, rows, cols, embedder) >= PROBLEM_GATE
        alike &= ~_elsewhere(named_places, canonical, place_sets, rows, cols)
        similarity[rows[alike], cols[alike]] += PLACE_WEIGHT
    return np.clip(similarity, 0.0, 1.0)


def _elsewhere(named_places, canonical, place_sets, rows, cols) -> np.ndarray:
    """Pairs whose shared places are the setting of their problems, not its subject. A road or a company they
    share does not make two appeals about different compounds one issue (two compounds on one road), and a
    company is whom a resident complains about, not where, once she names her compound or road (the water
    company that cut off several compounds). Schools and numbered names (经济学院, 3号线) stay subjects."""
    kinds: dict[str, set[str]] = {}
    homes = []
    for named_here in named_places:
        homes.append({canonical[p.name] for p in named_here if p.kind == "compound"})
        for place in named_here:
            kinds.setdefault(canonical[place.name], set()).add(place.kind)
    settings = {name for name, kind in kinds.items() if kind <= SETTING_KINDS}
    companies = {name for name, kind in kinds.items() if kind == {"company"}}
    lives = [
        bool(home) or any("road" in kinds[name] for name in names)
        for home, names in zip(homes, place_sets, strict=True)
    ]

    def setting_only(r: int, c: int) -> bool:
        shared = place_sets[r] & place_sets[c]
        if homes[r] and homes[c] and not homes[r] & homes[c] and shared <= settings:
            return True
        return (lives[r] or lives[c]) and shared <= companies

    return np.fromiter(
        (setting_only(r, c) for r, c in zip(rows, cols, strict=True)), dtype=bool, count=len(rows)
    )


def _problem_similarity(
    texts: list[str], found: list[list[str]], rows: np.ndarray, cols: np.ndarray, embedder: TfidfEmbedder
) -> np.ndarray:
    """Cosine of the texts with their place names blanked out, for the pairs (rows[k], cols[k]) only: what
    two messages about one place say beyond where."""
    problems = []
    for text, names in zip(texts, found, strict=True):
        text = normalize(text)
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, " ")
        problems.append(text)
    vectors = embedder.encode(problems)
    return np.asarray(vectors[rows].multiply(vectors[cols]).sum(axis=1)).ravel()


def cluster(
    messages: list[Message], embedder: TfidfEmbedder, named: frozenset[str] = frozenset()
) -> list[list[Message]]:
    """Issues as lists of messages (every message in exactly one issue, most in issues of one)."""
    if len(messages) < 2:
        return [messages] if messages else []
    distance = 1.0 - similarity_matrix(messages, embedder, named)
    np.fill_diagonal(distance, 0.0)
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=CLUSTER_DISTANCE
    ).fit_predict(distance)
    issues: dict[int, list[Message]] = {}
    for label, message in zip(labels, messages, strict=True):
        issues.setdefault(int(label), []).append(message)
    return list(issues.values())


def heat_factors(messages: list[Message], period_end: datetime) -> dict:
    times = [message.time for message in messages]
    recent = sum(time >= period_end - timedelta(days=RECENT_DAYS) for time in times)
    return {
        "reporters": len({message.user for message in messages}),
        "appeals": len(messages),
        "likes": sum(message.likes for message in messages),
        "dislikes": sum(message.dislikes for message in messages),
        "recent_share": recent / len(messages),
        "span_days": (max(times) - min(times)).total_seconds() / 86400,
    }


def heat_index(factors: dict) -> float:
    return (
        2 * math.log1p(factors["reporters"])
        + math.log1p(factors["appeals"])
        + math.log1p(factors["likes"])
        + 0.5 * math.log1p(factors["dislikes"])
        + 2 * factors["recent_share"]
        - 0.25 * math.log1p(factors["span_days"])
    )


def describe_problem(messages: list[Message], embedder: TfidfEmbedder) -> str:
    """The title closest to the issue's centre: the most typical way its reporters put it."""
    vectors = embedder.encode([message.title for message in messages])
    centre = np.asarray(vectors.mean(axis=0))
    closeness = np.asarray(vectors @ centre.T).ravel()
    return normalize(messages[int(np.argmax(closeness))].title)


def hot_issues(
    messages: list[Message], top: int = 5, embedder: TfidfEmbedder | None = None
) -> list[HotIssue]:
    """The `top` hottest issues, ranked, each with heat factors, location and description."""
    if not messages:
        return []
    # Character pairs with IDF from the period's own messages: the names that make an issue (a compound,
    # "58车贷") are missing from any fixed vocabulary and jieba cuts them inconsistently, and what is common
    # this period should weigh less.
    embedder = embedder or TfidfEmbedder.fit([_similarity_text(m) for m in messages], 1, char_bigrams)
    period_end = max(message.time for message in messages)
    # Names like "58车贷" hold an issue together as a place does: its messages often name no place at all.
    named = numbered_names((m.user, m.title) for m in messages)
    issues = []
    for group in cluster(messages, embedder, named):
        factors = heat_factors(group, period_end)
        if factors["reporters"] >= MIN_REPORTERS:
            issues.append(HotIssue(sorted(group, key=lambda m: m.time), heat_index(factors), factors=factors))
    issues.sort(key=lambda issue: (-issue.heat, issue.messages[0].message_id))
    ranked = issues[:top]
    for rank, issue in enumerate(ranked, start=1):
        issue.rank = issue.issue_id = rank
        issue.location = describe_location([f"{m.title} {m.detail}" for m in issue.messages], named)
        issue.description = describe_problem(issue.messages, embedder)
    return ranked


def summary_rows(issues: list[HotIssue]) -> list[dict]:
    """热点问题表 rows."""
    return [
        dict(
            zip(
                SUMMARY_COLUMNS,
                (
                    issue.rank,
                    issue.issue_id,
                    f"{issue.heat:.2f}",
                    issue.time_range,
                    issue.location,
                    issue.description,
                ),
                strict=True,
            )
        )
        for issue in issues
    ]


def detail_rows(issues: list[HotIssue]) -> list[dict]:
    """热点问题留言明细表 rows: every message of every ranked issue."""
    return [
        dict(
            zip(
                DETAIL_COLUMNS,
                (
                    issue.issue_id,
                    m.message_id,
                    m.user,
                    m.title,
                    m.time.strftime(TIME_FORMAT),
                    normalize(m.detail),
                    m.likes,
                    m.dislikes,
                ),
                strict=True,
            )
        )
        for issue in issues
        for m in issue.messages
    ]
