"""发展党员: the 5 stages and 25 steps as data, each step with its actor, required documents and rules.

A rule set bundles the national numbers of one version of the rules (versions differ in what step 8
requires) with the local choices read from configuration (publicity period, months allowed between some
steps). An application keeps the version it started under. Flowcharts with 29 or 32 steps split these
same steps further; the list here follows the 2014 细则's 25.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from civicgrid.workdays import working_days_between

from ..conf import party_setting
from .dates import add_months, age_on, full_months_between
from .violations import RuleViolation, cn_date
from .votes import VoteTally, check_branch_resolution

STAGES = {
    1: "申请入党",
    2: "入党积极分子的确定和培养教育",
    3: "发展对象的确定和考察",
    4: "预备党员的接收",
    5: "预备党员的教育考察和转正",
}


class FullMembershipOutcome:
    ON_TIME = "on_time"
    EXTEND = "extend"
    CANCEL = "cancel"

    CHOICES = [(ON_TIME, "按期转正"), (EXTEND, "延长预备期"), (CANCEL, "取消预备党员资格")]


@dataclass(frozen=True)
class RuleSet:
    version: str
    title: str
    # Since 2026-05 the higher committee must agree to the development target after a 公示.
    target_needs_agreement_and_publicity: bool
    min_age: int = 18
    talk_within_months: int = 1
    activist_months: int = 12
    review_every_months: int = 6
    max_contacts: int = 2
    introducers: int = 2
    training_min_days: int = 3
    training_min_hours: int = 24
    leaving_unit_months: int = 3
    approval_months: int = 3
    approval_special_months: int = 6
    probation_months: int = 12
    extension_months: tuple[int, int] = (6, 12)
    # Local choices, from configuration.
    publicity_days: int = 5
    publicity_working_days: bool = True
    pre_review_to_assembly_months: int | None = 1
    oath_within_months: int | None = 1

    @property
    def steps(self) -> tuple["Step", ...]:
        return STEPS

    def step(self, number: int) -> "Step":
        return STEPS[number - 1]

    @property
    def publicity_text(self) -> str:
        unit = "个工作日" if self.publicity_working_days else "个自然日"
        return f"{self.publicity_days}{unit}"


VERSIONS = {
    "2014": {"title": "中国共产党发展党员工作细则（2014）", "target_needs_agreement_and_publicity": False},
    "2026-05": {"title": "发展党员工作细则（2026年5月修订）", "target_needs_agreement_and_publicity": True},
}


def rule_set(version: str | None = None) -> RuleSet:
    version = version or party_setting("RECRUITMENT_RULE_VERSION")
    publicity = party_setting("PUBLICITY")
    return RuleSet(
        version=version,
        **VERSIONS[version],
        publicity_days=publicity["days"],
        publicity_working_days=publicity["working_days"],
        pre_review_to_assembly_months=party_setting("PRE_REVIEW_TO_ASSEMBLY_MONTHS"),
        oath_within_months=party_setting("OATH_WITHIN_MONTHS"),
    )


@dataclass(frozen=True)
class StepFact:
    """A recorded step: its number, date and the facts entered with it."""

    number: int
    day: date
    data: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class StepContext:
    rules: RuleSet
    history: tuple[StepFact, ...]
    number: int
    day: date
    documents: frozenset[str]
    data: Mapping
    birth_date: date
    today: date

    def last(self, number: int) -> StepFact:
        return next(f for f in reversed(self.history) if f.number == number)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    describe: Callable[[RuleSet], str]
    check: Callable[[StepContext], str | None]  # the refusal message, or None
    applies: Callable[[RuleSet], bool]


def _always(_rules: RuleSet) -> bool:
    return True


def rule(code: str, name: str, describe: Callable[[RuleSet], str], applies=_always):
    def register(check: Callable[[StepContext], str | None]) -> Rule:
        return Rule(code, name, describe, check, applies)

    return register


# --- rules every step obeys -------------------------------------------------------------------------------


@rule("step_order", "按步骤顺序办理", lambda r: "日期不早于上一步骤，且不晚于今天")
def _step_order(ctx: StepContext) -> str | None:
    if ctx.day > ctx.today:
        return f"办理日期 {cn_date(ctx.day)} 晚于今天 {cn_date(ctx.today)}。"
    if ctx.history and ctx.day < ctx.history[-1].day:
        previous = ctx.history[-1]
        return (
            f"办理日期 {cn_date(ctx.day)} 早于上一步骤（第{previous.number}步）"
            f"的日期 {cn_date(previous.day)}。"
        )
    return None


@rule("documents", "材料齐全", lambda r: "所列材料须齐全")
def _documents(ctx: StepContext) -> str | None:
    missing = [d for d in ctx.rules.step(ctx.number).documents if d not in ctx.documents]
    return f"缺少材料：{'、'.join(missing)}。" if missing else None


# --- stage 1 ----------------------------------------------------------------------------------------------


@rule("min_age", "年满十八周岁", lambda r: f"递交申请书时年满 {r.min_age} 周岁")
def _min_age(ctx: StepContext) -> str | None:
    if age_on(ctx.birth_date, ctx.day) >= ctx.rules.min_age:
        return None
    comes_of_age = add_months(ctx.birth_date, 12 * ctx.rules.min_age)
    return (
        f"出生日期 {cn_date(ctx.birth_date)}，递交申请书日期 {cn_date(ctx.day)}，"
        f"{cn_date(comes_of_age)} 方年满 {ctx.rules.min_age} 周岁。"
    )


@rule(
    "talk_within", "收到申请书后一个月内派人谈话", lambda r: f"收到申请书后 {r.talk_within_months} 个月内谈话"
)
def _talk_within(ctx: StepContext) -> str | None:
    received = ctx.last(1).day
    deadline = add_months(received, ctx.rules.talk_within_months)
    if ctx.day <= deadline:
        return None
    return f"收到申请书 {cn_date(received)}，谈话 {cn_date(ctx.day)}，应不晚于 {cn_date(deadline)}。"


# --- stage 2 ----------------------------------------------------------------------------------------------


@rule("contacts", "培养联系人为一至二名正式党员", lambda r: f"1–{r.max_contacts} 名正式党员")
def _contacts(ctx: StepContext) -> str | None:
    contacts = ctx.data.get("contacts", [])
    if not 1 <= len(contacts) <= ctx.rules.max_contacts:
        return f"指定了 {len(contacts)} 名培养联系人。"
    not_full = [c["name"] for c in contacts if not c["full_member"]]
    return f"{'、'.join(not_full)} 不是正式党员。" if not_full else None


@rule(
    "half_year_reviews",
    "每半年考察一次",
    lambda r: f"自确定为积极分子起每 {r.review_every_months} 个月至少考察一次",
)
def _half_year_reviews(ctx: StepContext) -> str | None:
    activist_since = ctx.last(3).day
    required = full_months_between(activist_since, ctx.day) // ctx.rules.review_every_months
    reviews = int(ctx.data.get("reviews", 0))
    if reviews >= required:
        return None
    return (
        f"确定为积极分子 {cn_date(activist_since)} 至 {cn_date(ctx.day)} 应考察至少 {required} 次，"
        f"记录 {reviews} 次。"
    )


# --- stage 3 ----------------------------------------------------------------------------------------------


@rule(
    "activist_period",
    "经过一年以上培养教育和考察",
    lambda r: f"确定为积极分子满 {r.activist_months // 12} 年后方可确定为发展对象",
)
def _activist_period(ctx: StepContext) -> str | None:
    activist_since = ctx.last(3).day
    earliest = add_months(activist_since, ctx.rules.activist_months)
    if ctx.day >= earliest:
        return None
    return (
        f"确定为积极分子 {cn_date(activist_since)}，确定发展对象 {cn_date(ctx.day)}，"
        f"须不早于 {cn_date(earliest)}。"
    )


def _needs_publicity(rules: RuleSet) -> bool:
    return rules.target_needs_agreement_and_publicity


@rule("higher_agreement", "上级党委同意", lambda r: "上级党委审查同意", applies=_needs_publicity)
def _higher_agreement(ctx: StepContext) -> str | None:
    return None if ctx.data.get("higher_agreed") else "上级党委尚未同意确定该发展对象。"


def publicity_length(start: date, end: date, working_days: bool) -> int:
    """Days of a 公示 from `start` to `end`, both included, counting working days or calendar days."""
    if working_days:
        return working_days_between(start - timedelta(days=1), end)
    return (end - start).days + 1


@rule("publicity", "发展对象公示", lambda r: f"公示不少于 {r.publicity_text}", applies=_needs_publicity)
def _publicity(ctx: StepContext) -> str | None:
    start, end = ctx.data.get("publicity_start"), ctx.data.get("publicity_end")
    if not (start and end):
        return "须填写公示起止日期。"
    target_on = ctx.last(7).day
    if start < target_on:
        return f"公示开始 {cn_date(start)} 早于确定发展对象 {cn_date(target_on)}。"
    length = publicity_length(start, end, ctx.rules.publicity_working_days)
    if length < ctx.rules.publicity_days:
        unit = "个工作日" if ctx.rules.publicity_working_days else "天"
        return f"公示 {cn_date(start)} 至 {cn_date(end)} 仅 {length}{unit}，不足 {ctx.rules.publicity_text}。"
    if ctx.day < end:
        return f"备案日期 {cn_date(ctx.day)} 早于公示结束 {cn_date(end)}。"
    return None


@rule(
    "introducers",
    "两名正式党员作入党介绍人",
    lambda r: f"恰好 {r.introducers} 名正式党员，且未受留党察看处分",
)
def _introducers(ctx: StepContext) -> str | None:
    introducers = ctx.data.get("introducers", [])
    if len(introducers) != ctx.rules.introducers:
        return f"确定了 {len(introducers)} 名入党介绍人，须为 {ctx.rules.introducers} 名。"
    problems = [f"{i['name']} 是预备党员" for i in introducers if not i["full_member"]]
    problems += [f"{i['name']} 正受留党察看处分" for i in introducers if i["under_discipline"]]
    return f"{'；'.join(problems)}（{cn_date(ctx.day)}）。" if problems else None


@rule("political_review", "政治审查合格", lambda r: "政治审查结论合格，否则不能发展")
def _political_review(ctx: StepContext) -> str | None:
    return None if ctx.data.get("review_passed") else "政治审查结论不合格或尚未形成结论，不能继续发展。"


@rule(
    "training",
    "集中培训时间",
    lambda r: f"集中培训不少于 {r.training_min_days} 天或 {r.training_min_hours} 学时",
)
def _training(ctx: StepContext) -> str | None:
    days, hours = int(ctx.data.get("training_days") or 0), int(ctx.data.get("training_hours") or 0)
    if days >= ctx.rules.training_min_days or hours >= ctx.rules.training_min_hours:
        return None
    return (
        f"培训 {days} 天、{hours} 学时，须不少于 {ctx.rules.training_min_days} 天"
        f"或 {ctx.rules.training_min_hours} 学时。"
    )


# --- stage 4 ----------------------------------------------------------------------------------------------


@rule(
    "pre_review",
    "上级党委预审合格",
    lambda r: f"预审合格后方可发放志愿书；{r.leaving_unit_months} 个月内将离开工作单位的不办理",
)
def _pre_review(ctx: StepContext) -> str | None:
    if ctx.data.get("leaving_unit_soon"):
        return f"发展对象将在 {ctx.rules.leaving_unit_months} 个月内离开工作单位，不办理接收。"
    return None if ctx.data.get("pre_review_passed") else "预审未通过，不能发放入党志愿书。"


@rule(
    "assembly_within",
    "预审后及时召开支部大会",
    lambda r: f"预审通过后 {r.pre_review_to_assembly_months} 个月内召开支部大会",
    applies=lambda r: r.pre_review_to_assembly_months is not None,
)
def _assembly_within(ctx: StepContext) -> str | None:
    pre_review = ctx.last(13).day
    deadline = add_months(pre_review, ctx.rules.pre_review_to_assembly_months)
    if ctx.day <= deadline:
        return None
    return f"预审通过 {cn_date(pre_review)}，支部大会 {cn_date(ctx.day)}，应不晚于 {cn_date(deadline)}。"


@rule(
    "branch_vote",
    "支部大会表决",
    lambda r: "到会有表决权党员超过应到人数一半；赞成票（含书面意见）超过应到有表决权党员半数",
)
def _branch_vote(ctx: StepContext) -> str | None:
    tally = VoteTally(**{k: int(ctx.data.get(k) or 0) for k in VoteTally.__dataclass_fields__})
    try:
        check_branch_resolution(tally)
    except RuleViolation as violation:
        return f"{violation.rule}：{violation.message}"
    return None


def _approval_rule(code: str, resolution_step: int, what: str) -> Rule:
    @rule(
        code,
        "上级党委在支部大会决议后三个月内审批",
        lambda r: (
            f"支部大会决议后 {r.approval_months} 个月内审批"
            f"（特殊情况不超过 {r.approval_special_months} 个月）"
        ),
    )
    def check(ctx: StepContext) -> str | None:
        resolved = ctx.last(resolution_step).day
        special = bool(ctx.data.get("special_reason"))
        months = ctx.rules.approval_special_months if special else ctx.rules.approval_months
        deadline = add_months(resolved, months)
        if ctx.day <= deadline:
            return None
        return (
            f"支部大会通过{what} {cn_date(resolved)}，审批 {cn_date(ctx.day)}，"
            f"应不晚于 {cn_date(deadline)}{'（特殊情况）' if special else ''}。"
        )

    return check


# --- stage 5 ----------------------------------------------------------------------------------------------


@rule(
    "oath_within",
    "审批后及时入党宣誓",
    lambda r: f"上级党委审批后 {r.oath_within_months} 个月内宣誓",
    applies=lambda r: r.oath_within_months is not None,
)
def _oath_within(ctx: StepContext) -> str | None:
    approved = ctx.last(17).day
    deadline = add_months(approved, ctx.rules.oath_within_months)
    if ctx.day <= deadline:
        return None
    return f"上级党委审批 {cn_date(approved)}，宣誓 {cn_date(ctx.day)}，应不晚于 {cn_date(deadline)}。"


def check_membership_dates(
    status_is_full: bool, admitted_on: date, full_since: date | None, rules: RuleSet
) -> None:
    """A member entered by hand: a full member has a 转正 date no earlier than the end of a year's probation;
    a probationary member has none yet."""
    if not status_is_full:
        if full_since is not None:
            raise RuleViolation("member_full_since", "预备党员尚未转正", "预备党员不填转正日期。")
        return
    if full_since is None:
        raise RuleViolation("member_full_since", "党龄自转正之日起计算", "正式党员须填写转正日期。")
    earliest = add_months(admitted_on, rules.probation_months)
    if full_since < earliest:
        raise RuleViolation(
            "member_full_since",
            "预备期一年",
            f"接收为预备党员 {cn_date(admitted_on)}，转正 {cn_date(full_since)}，"
            f"须不早于 {cn_date(earliest)}。",
        )


def probation_end(history: tuple[StepFact, ...], rules: RuleSet) -> date | None:
    """One year from the branch meeting that admitted the member, plus an extension if one was decided."""
    admitted = next((f for f in history if f.number == 15), None)
    if admitted is None:
        return None
    months = rules.probation_months + sum(
        int(f.data.get("extension_months") or 0)
        for f in history
        if f.number == 23 and f.data.get("outcome") == FullMembershipOutcome.EXTEND
    )
    return add_months(admitted.day, months)


@rule(
    "probation_complete",
    "预备期满",
    lambda r: f"预备期 {r.probation_months // 12} 年（自支部大会通过之日起）期满后讨论转正",
)
def _probation_complete(ctx: StepContext) -> str | None:
    end = probation_end(ctx.history, ctx.rules)
    if ctx.day >= end:
        return None
    admitted = ctx.last(15).day
    return (
        f"支部大会接收为预备党员 {cn_date(admitted)}，预备期至 {cn_date(end)} 届满，"
        f"讨论转正日期 {cn_date(ctx.day)} 过早。"
    )


@rule(
    "full_membership_outcome",
    "转正结论",
    lambda r: (
        f"按期转正、延长预备期（只能一次，{r.extension_months[0]}–{r.extension_months[1]} 个月）或取消资格"
    ),
)
def _full_membership_outcome(ctx: StepContext) -> str | None:
    outcome = ctx.data.get("outcome")
    if outcome not in dict(FullMembershipOutcome.CHOICES):
        return "须选择转正结论。"
    if outcome != FullMembershipOutcome.EXTEND:
        return None
    low, high = ctx.rules.extension_months
    if any(f.number == 23 and f.data.get("outcome") == FullMembershipOutcome.EXTEND for f in ctx.history):
        return "预备期已延长过一次，不能再延长。"
    months = int(ctx.data.get("extension_months") or 0)
    if not low <= months <= high:
        return f"延长 {months} 个月，须为 {low}–{high} 个月。"
    return None


# --- the 25 steps -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    number: int
    stage: int
    key: str
    title: str
    actor: str
    documents: tuple[str, ...]
    rules: tuple[Rule, ...] = ()

    @property
    def stage_title(self) -> str:
        return STAGES[self.stage]

    def applicable_rules(self, rules: RuleSet) -> tuple[Rule, ...]:
        return tuple(r for r in (_step_order, _documents, *self.rules) if r.applies(rules))


STEPS = (
    Step(1, 1, "application", "递交入党申请书", "申请人", ("入党申请书",), (_min_age,)),
    Step(2, 1, "talk", "党组织派人谈话", "党支部", ("谈话记录",), (_talk_within,)),
    Step(3, 2, "activist", "推荐和确定入党积极分子", "支部委员会", ("推荐材料", "支委会会议记录")),
    Step(4, 2, "activist_filing", "上级党委备案", "基层党委", ("入党积极分子备案表",)),
    Step(5, 2, "contacts", "指定培养联系人", "党支部", ("培养联系人名单",), (_contacts,)),
    Step(
        6, 2, "activist_review", "培养教育考察", "党支部", ("思想汇报", "考察登记表"), (_half_year_reviews,)
    ),
    Step(
        7, 3, "target", "确定发展对象", "支部委员会", ("支委会会议记录", "听取意见情况"), (_activist_period,)
    ),
    Step(
        8,
        3,
        "target_filing",
        "报上级党委备案",
        "党支部",
        ("发展对象备案表",),
        (_higher_agreement, _publicity),
    ),
    Step(9, 3, "introducers", "确定入党介绍人", "党支部", ("入党介绍人名单",), (_introducers,)),
    Step(10, 3, "political_review", "进行政治审查", "党支部", ("政治审查报告",), (_political_review,)),
    Step(11, 3, "training", "开展集中培训", "基层党委", ("培训结业证明",), (_training,)),
    Step(12, 4, "committee_review", "支部委员会审查", "支部委员会", ("支委会会议记录",)),
    Step(13, 4, "pre_review", "上级党委预审", "基层党委", ("预审意见",), (_pre_review,)),
    Step(14, 4, "application_form", "填写入党志愿书", "发展对象", ("入党志愿书",)),
    Step(
        15,
        4,
        "admission_assembly",
        "支部大会讨论接收预备党员",
        "支部党员大会",
        ("支部大会决议", "表决票"),
        (_assembly_within, _branch_vote),
    ),
    Step(16, 4, "higher_talk", "上级党委派人谈话", "基层党委", ("谈话记录",)),
    Step(
        17,
        4,
        "admission_approval",
        "上级党委审批",
        "基层党委",
        ("审批意见",),
        (_approval_rule("admission_approval_within", 15, "接收预备党员"),),
    ),
    Step(18, 4, "admission_filing", "再上一级党委组织部门备案", "基层党委", ("备案报告",)),
    Step(19, 5, "placement", "编入党支部和党小组", "党支部", ()),
    Step(20, 5, "oath", "入党宣誓", "基层党委或党支部", ("宣誓记录",), (_oath_within,)),
    Step(21, 5, "probation_education", "继续教育考察", "党支部", ("考察登记表",)),
    Step(22, 5, "full_request", "提出转正申请", "预备党员", ("转正申请书",)),
    Step(
        23,
        5,
        "full_assembly",
        "支部大会讨论转正",
        "支部党员大会",
        ("支部大会决议", "表决票"),
        (_probation_complete, _full_membership_outcome, _branch_vote),
    ),
    Step(
        24,
        5,
        "full_approval",
        "上级党委审批转正",
        "基层党委",
        ("审批意见",),
        (_approval_rule("full_approval_within", 23, "转正决议"),),
    ),
    Step(25, 5, "archive", "材料归档", "党支部", ("入党材料清单",)),
)


def next_step(history: tuple[StepFact, ...]) -> int | None:
    """The step to record next: in order, except that an approved extension of probation returns to step 21
    (continued education, then a new request and branch discussion). None when the file is archived."""
    if not history:
        return 1
    last = history[-1].number
    if last == 25:
        return None
    if last == 24:
        resolution = next(f for f in reversed(history) if f.number == 23)
        return 21 if resolution.data.get("outcome") == FullMembershipOutcome.EXTEND else 25
    return last + 1


def check_step(
    rules: RuleSet,
    history: tuple[StepFact, ...],
    *,
    number: int,
    day: date,
    documents,
    data: Mapping,
    birth_date: date,
    today: date,
) -> None:
    """Refuse the step with the first rule it breaks (a RuleViolation naming the rule and the dates)."""
    expected = next_step(history)
    if number != expected:
        raise RuleViolation(
            "step_order", "按步骤顺序办理", f"当前应办理第{expected}步，不能办理第{number}步。"
        )
    ctx = StepContext(rules, history, number, day, frozenset(documents), data, birth_date, today)
    for step_rule in rules.step(number).applicable_rules(rules):
        message = step_rule.check(ctx)
        if message:
            raise RuleViolation(step_rule.code, step_rule.name, message)
