"""Organisation structure: branch size, committee size and terms of office (换届)."""

from dataclasses import dataclass
from datetime import date, timedelta

from ..conf import party_setting
from .dates import add_months
from .violations import RuleViolation, cn_date


class OrganisationKind:
    COMMITTEE = "committee"
    GENERAL_BRANCH = "general_branch"
    BRANCH = "branch"
    GROUP = "group"

    CHOICES = [
        (COMMITTEE, "党委"),
        (GENERAL_BRANCH, "党总支"),
        (BRANCH, "党支部"),
        (GROUP, "党小组"),
    ]


# What each kind of organisation may sit under (None: the top of the platform's tree).
ALLOWED_PARENTS = {
    OrganisationKind.COMMITTEE: {None, OrganisationKind.COMMITTEE},
    OrganisationKind.GENERAL_BRANCH: {OrganisationKind.COMMITTEE},
    OrganisationKind.BRANCH: {None, OrganisationKind.COMMITTEE, OrganisationKind.GENERAL_BRANCH},
    OrganisationKind.GROUP: {OrganisationKind.BRANCH},
}


def check_parent(kind: str, parent_kind: str | None) -> None:
    """党委 → 党总支 → 党支部 → 党小组: refuse a tree that does not nest so."""
    if parent_kind not in ALLOWED_PARENTS[kind]:
        labels = dict(OrganisationKind.CHOICES)
        allowed = "、".join(labels[k] if k else "无上级" for k in sorted(ALLOWED_PARENTS[kind], key=str))
        raise RuleViolation(
            "organisation_parent",
            "党组织层级",
            f"{labels[kind]}的上级应为{allowed}，不能是{labels.get(parent_kind, '无上级')}。",
        )


def check_committee_candidate(name: str, is_full_member: bool) -> None:
    if not is_full_member:
        raise RuleViolation("committee_full_member", "预备党员没有被选举权", f"{name} 是预备党员。")


@dataclass(frozen=True)
class StructureWarning:
    code: str
    message: str


def term_years(kind: str, community_based: bool) -> int | None:
    """Village and community organisations serve 5 years whatever their kind; 党小组 has no elected term."""
    if kind == OrganisationKind.GROUP:
        return None
    years = party_setting("TERM_YEARS")
    return years["community_based"] if community_based else years[kind]


def term_due_date(term_start: date, kind: str, community_based: bool) -> date | None:
    years = term_years(kind, community_based)
    return add_months(term_start, 12 * years) if years else None


def structure_warnings(
    *,
    kind: str,
    full_members: int,
    all_members: int,
    committee_size: int,
    has_secretary: bool,
    term_due: date | None,
    today: date,
) -> list[StructureWarning]:
    warnings: list[StructureWarning] = []
    if kind == OrganisationKind.BRANCH:
        warnings += _branch_size_warnings(full_members, all_members)
    if kind != OrganisationKind.GROUP:
        warnings += _committee_warnings(full_members, committee_size, has_secretary)
    if term_due is not None:
        warnings += _term_warnings(term_due, today)
    return warnings


def _branch_size_warnings(full_members: int, all_members: int) -> list[StructureWarning]:
    warnings = []
    minimum = party_setting("BRANCH_MIN_FULL_MEMBERS")
    if full_members < minimum:
        warnings.append(
            StructureWarning(
                "branch_too_small",
                f"正式党员 {full_members} 人，不足 {minimum} 人，应与邻近单位成立联合党支部。",
            )
        )
    maximum = party_setting("BRANCH_MAX_MEMBERS")
    if all_members > maximum:
        warnings.append(
            StructureWarning(
                "branch_too_large",
                f"党员 {all_members} 人，超过 {maximum} 人，宜分设党支部或成立党总支。",
            )
        )
    return warnings


def _committee_warnings(
    full_members: int, committee_size: int, has_secretary: bool
) -> list[StructureWarning]:
    size = party_setting("COMMITTEE_SIZE")
    required_from = party_setting("COMMITTEE_REQUIRED_FROM_FULL_MEMBERS")
    if full_members >= required_from and committee_size < size["min"]:
        return [
            StructureWarning(
                "committee_missing",
                f"正式党员 {full_members} 人（{required_from} 人以上），"
                f"应设立 {size['min']}–{size['usual_max']} 人的支部委员会，现有委员 {committee_size} 人。",
            )
        ]
    if committee_size > size["max"]:
        return [StructureWarning("committee_too_large", f"委员 {committee_size} 人，最多 {size['max']} 人。")]
    if committee_size > size["usual_max"]:
        return [
            StructureWarning(
                "committee_large", f"委员 {committee_size} 人，一般为 {size['min']}–{size['usual_max']} 人。"
            )
        ]
    if not has_secretary:
        return [StructureWarning("secretary_missing", "尚未设书记。")]
    return []


def _term_warnings(term_due: date, today: date) -> list[StructureWarning]:
    if today > term_due:
        return [StructureWarning("term_overdue", f"任期已于 {cn_date(term_due)} 届满，应按期换届。")]
    if today >= term_due - timedelta(days=party_setting("TERM_WARNING_DAYS")):
        return [StructureWarning("term_due_soon", f"任期将于 {cn_date(term_due)} 届满，请筹备换届。")]
    return []
