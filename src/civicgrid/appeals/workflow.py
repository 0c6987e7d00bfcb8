"""The appeal state machine as data: for every action, the states it may start from, the state it leads to,
the roles that may take it and how the actor must stand to the appeal (its reach).

`check_transition` is the one gate every service passes before it changes anything; it raises WorkflowError
with a stable code and a Chinese message.

Reach, per role kind:
- area roles (dispatcher, supervisor, leader, community secretary, grid worker) act on appeals whose grid lies
  in their subtrees; dispatchers, supervisors and leaders also on appeals not yet located on the grid
  (someone has to place them, and they are the district's until then);
- department handlers act through their unit, as the action's `unit_reach` says: the 主办 unit, a summoned
  unit (吹哨报到), or a 主办 unit that governs an area (street office, community committee);
- residents (citizens, party members) act on their own appeals, or anyone holding the tracking code
  (online callback);
- SYSTEM is the platform itself (auto-dispatch, the deadline sweep, a reopen after an unsatisfied callback).
"""

from dataclasses import dataclass

from civicgrid.directory.models import Role
from civicgrid.directory.scope import AREA_ROLES, GOVERNING_UNIT_KINDS, Scope

from .errors import WorkflowError
from .models import Status

SYSTEM = "system"

OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.DISPATCHED,
        Status.SIGNED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.CALLED_BACK,
        Status.RETURNED,
    }
)
HANDLING_STATUSES = frozenset({Status.SIGNED, Status.IN_PROGRESS})
# Area roles that oversee the whole intake, so also see and act on appeals without a grid: the district's
# figures include appeals not yet located, and a leader may supervise them.
UNLOCATED_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER})
# Residents act on the appeals they submitted themselves: a party member reports and rates as anyone does.
RESIDENT_ROLES = (Role.CITIZEN, Role.PARTY_MEMBER)


def sees_unlocated(scope) -> bool:
    return bool(scope.grid_paths) and scope.has_role(*UNLOCATED_ROLES)


class UnitReach:
    MAIN = "main"
    SUMMONED = "summoned"
    GOVERNING_MAIN = "governing_main"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the status stays as it is
    roles: frozenset[str]
    unit_reach: str = UnitReach.MAIN


def _t(action, label, sources, target, roles, unit_reach=UnitReach.MAIN) -> Transition:
    return Transition(action, label, frozenset(sources), target, frozenset(roles), unit_reach)


S, R = Status, Role
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", "受理", [], S.RECEIVED, []),
        _t("dispatch", "派单", [S.RECEIVED, S.RETURNED], S.DISPATCHED, [R.DISPATCHER, SYSTEM]),
        # What intake recorded may be corrected until the appeal is answered (then the unit's figures for it
        # stand); the round in progress keeps its deadlines.
        _t("amend", "更正分类与位置", OPEN_STATUSES - {S.RESOLVED, S.CALLED_BACK}, None, [R.DISPATCHER]),
        # 改派: a dispatch gone to the wrong unit is taken back before that unit signs it (once signed, the
        # unit returns it), instead of waiting for the unit to return it.
        _t("redispatch", "改派", [S.DISPATCHED], S.DISPATCHED, [R.DISPATCHER]),
        _t("return", "退回", [S.DISPATCHED, S.SIGNED], S.RETURNED, [R.DEPARTMENT_HANDLER]),
        _t("sign", "签收", [S.DISPATCHED], S.SIGNED, [R.DEPARTMENT_HANDLER]),
        _t("first_contact", "首次联系", [S.SIGNED], S.IN_PROGRESS, [R.DEPARTMENT_HANDLER]),
        _t("request_extension", "申请延期", HANDLING_STATUSES, None, [R.DEPARTMENT_HANDLER]),
        _t("decide_extension", "审批延期", HANDLING_STATUSES, None, [R.DISPATCHER, R.SUPERVISOR]),
        _t("resolve", "办结", [S.IN_PROGRESS], S.RESOLVED, [R.DEPARTMENT_HANDLER]),
        _t("callback", "回访", [S.RESOLVED], S.CALLED_BACK, [R.DISPATCHER, *RESIDENT_ROLES]),
        _t("reopen", "重办", [S.CALLED_BACK], S.DISPATCHED, [SYSTEM]),
        _t("close", "归档", [S.CALLED_BACK], S.CLOSED, [R.DISPATCHER, R.SUPERVISOR]),
        _t("supervise", "督办", OPEN_STATUSES, None, [R.SUPERVISOR, R.LEADER, SYSTEM]),
        # 双报到 on the timeline: members may still help after the appeal itself was closed.
        _t("party_task", "转双报到任务", list(S), None, [R.COMMUNITY_SECRETARY]),
        _t("party_help", "党员协办", list(S), None, [SYSTEM]),
        _t("merge", "合并", [S.RECEIVED, S.RETURNED, S.DISPATCHED], S.MERGED, [R.DISPATCHER]),
        _t(
            "blow_whistle",
            "吹哨",
            HANDLING_STATUSES,
            None,
            [R.COMMUNITY_SECRETARY, R.DEPARTMENT_HANDLER],
            UnitReach.GOVERNING_MAIN,
        ),
        _t(
            "report_arrival",
            "报到",
            HANDLING_STATUSES | {S.RESOLVED},
            None,
            [R.DEPARTMENT_HANDLER],
            UnitReach.SUMMONED,
        ),
        _t(
            "rate_whistle",
            "评价报到",
            OPEN_STATUSES | {S.CLOSED},
            None,
            [R.COMMUNITY_SECRETARY, R.DEPARTMENT_HANDLER],
            UnitReach.GOVERNING_MAIN,
        ),
    ]
}


@dataclass(frozen=True)
class Standing:
    """How one actor stands to one appeal: what `check_transition` needs, gathered by the service."""

    scope: Scope | None  # None for the platform itself (SYSTEM)
    grid_path: str | None
    main_unit_id: int | None
    main_unit_kind: str | None
    summoned_unit_ids: frozenset[int] = frozenset()
    is_owner: bool = False  # the actor submitted it, or holds its tracking code

    @classmethod
    def of(cls, appeal, scope: Scope | None, *, summoned=frozenset(), is_owner: bool = False) -> "Standing":
        return cls(
            scope=scope,
            grid_path=appeal.grid.path if appeal.grid_id else None,
            main_unit_id=appeal.main_unit_id,
            main_unit_kind=appeal.main_unit.kind if appeal.main_unit_id else None,
            summoned_unit_ids=frozenset(summoned),
            is_owner=is_owner,
        )


def check_transition(action: str, status: str, standing: Standing) -> Transition:
    """The transition for `action` from `status`, or WorkflowError if the state, role or reach forbids it."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise WorkflowError(
            "illegal_transition",
            f"诉求当前状态为“{Status(status).label}”，不能{transition.label}。",
        )
    check_actor(transition, standing)
    return transition


def check_actor(transition: Transition, standing: Standing) -> None:
    """WorkflowError unless the actor holds one of the transition's roles and reaches the appeal with it."""
    if standing.scope is None:
        if SYSTEM not in transition.roles:
            raise WorkflowError("forbidden_role", f"{transition.label}须由工作人员操作。")
        return
    held = [role for role in transition.roles if role != SYSTEM and standing.scope.has_role(role)]
    if not held:
        raise WorkflowError("forbidden_role", f"您的角色不能{transition.label}。")
    if not any(_reaches(role, transition, standing) for role in held):
        raise WorkflowError("out_of_scope", f"该诉求不在您的办理范围内，不能{transition.label}。")


def _reaches(role: str, transition: Transition, standing: Standing) -> bool:
    scope = standing.scope
    if scope.everything:
        return True
    if role in AREA_ROLES:
        if standing.grid_path is None:
            return role in UNLOCATED_ROLES
        return scope.covers_grid_path(standing.grid_path)
    if role in RESIDENT_ROLES:
        return standing.is_owner
    if role == Role.DEPARTMENT_HANDLER:
        return _unit_reaches(transition.unit_reach, scope.unit_ids, standing)
    return False


def _unit_reaches(reach: str, unit_ids: frozenset[int], standing: Standing) -> bool:
    if reach == UnitReach.MAIN:
        return standing.main_unit_id in unit_ids
    if reach == UnitReach.GOVERNING_MAIN:
        return standing.main_unit_id in unit_ids and standing.main_unit_kind in GOVERNING_UNIT_KINDS
    return bool(unit_ids & standing.summoned_unit_ids)


def allowed_actions(status: str, standing: Standing) -> list[str]:
    """Actions the actor could take now (for screens: which buttons to show)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            check_transition(action, status, standing)
        except WorkflowError:
            continue
        allowed.append(action)
    return allowed
