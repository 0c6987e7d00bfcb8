"""The demo city's appeals: written from templates of our own (data/appeal_templates.json), never from real
messages, and lived through the appeals services so that every one has a true timeline, events and ledger
entries — the same data the screens and scores will see in production.

Appeals arrive over the last DAYS days, spread over compounds, channels, kinds and urgencies. Each lives as
far as its age and a roll of the dice take it: auto-dispatched by the demo's rules (first-level category →
department; property matters → the compound's property company; categories without a rule wait for the
dispatcher), sometimes misrouted and put right (returned by the unit, or taken back by 改派), signed, first
contact, resolved, called back (an unsatisfied callback reopens it), closed; a few are put under 督办 by the
supervisor. Appeals still in handling past their deadline are marked overdue by the deadline sweep at the
end, which puts them on the 督办 board as it would in production.

The services stamp every action with `timezone.now()`. To give lives spread over three months, the step
replays them on a clock of its own: while it runs, `appeals.services` reads time from `ReplayClock` instead
of django.utils.timezone. A life stops at the first step that would fall after the present, so no appeal
is handled in the future (nor all of them "just now"). Ledger entries still carry the real time they were
appended.
"""

import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.utils import timezone

from civicgrid.appeals import services
from civicgrid.appeals.exports import category_paths
from civicgrid.appeals.imports import point_in
from civicgrid.appeals.models import (
    Appeal,
    CallbackVia,
    Category,
    Channel,
    Resolution,
    Satisfaction,
    Status,
    Urgency,
)
from civicgrid.directory.models import Account, Role, RoleAssignment, Unit
from civicgrid.grid.geometry import read_shape
from civicgrid.grid.models import Compound

TEMPLATES = json.loads((Path(__file__).parent / "data" / "appeal_templates.json").read_text(encoding="utf-8"))
# 2,000 for the default city of 1,000 compounds: `demo-city` then takes ~80 s on SQLite on two cores shared
# with other work (each life is ~100 statements through the services); CIVICGRID_DEMO_APPEALS overrides.
APPEALS_PER_COMPOUND = 2
DAYS = 90
CHANNEL_WEIGHTS = {
    Channel.HOTLINE: 45,
    Channel.WECHAT: 15,
    Channel.WEB: 12,
    Channel.APP: 10,
    Channel.PATROL: 12,
    Channel.MAILBOX: 6,
}
SATISFACTION_WEIGHTS = {
    Satisfaction.SATISFIED: 70,
    Satisfaction.BASICALLY_SATISFIED: 15,
    Satisfaction.DISSATISFIED: 10,
    Satisfaction.UNRATED: 5,
}
RESOLUTION_OF = {
    Satisfaction.SATISFIED: Resolution.RESOLVED,
    Satisfaction.BASICALLY_SATISFIED: Resolution.PARTLY_RESOLVED,
    Satisfaction.DISSATISFIED: Resolution.UNRESOLVED,
    Satisfaction.UNRATED: Resolution.RESOLVED,
}
RETURNED_SHARE = 0.05
SUPERVISED_SHARE = 0.03
# How far an appeal of a given age has got: (stop after received, dispatched, signed, in progress, resolved,
# called back); the rest is closed. Young appeals are mostly still in hand, old ones mostly closed, and a few
# old ones stall in handling — those become overdue.
STAGES = ("received", "dispatched", "signed", "in_progress", "resolved", "called_back", "closed")
STAGE_WEIGHTS_BY_AGE = [
    (2, (10, 30, 25, 25, 5, 3, 2)),
    (10, (2, 5, 8, 20, 20, 15, 30)),
    (DAYS + 1, (1, 1, 2, 4, 4, 6, 82)),
]
REPLIES = [
    "经现场核实，已协调相关责任单位处理完毕，并已向诉求人反馈。",
    "已安排工作人员上门处理，问题已解决，后续将加强日常巡查。",
    "已按政策向诉求人解释说明，并告知后续办理渠道。",
    "已责令责任方限期整改，整改完成后经复查合格。",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass(frozen=True)
class AppealTemplate:
    category: str  # 一级/二级/三级
    kind: str
    urgency: str
    title: str
    text: str

    def fill(self, rng: random.Random, *, compound: str, road: str) -> tuple[str, str]:
        slots = {
            "compound": compound,
            "road": road,
            "building": rng.randint(1, 30),
            "hour": rng.choice((7, 8, 17, 18, 21, 22, 23)),
            "days": rng.randint(2, 15),
        }
        return self.title.format(**slots), self.text.format(**slots)


def appeal_templates() -> list[AppealTemplate]:
    return [
        AppealTemplate(t["category"], t["kind"], t.get("urgency", Urgency.NORMAL), t["title"], t["text"])
        for t in TEMPLATES["templates"]
    ]


class LifeReachesNow(Exception):
    """A replayed life's next step would happen after the present: the life stops where it is."""


class ReplayClock:
    """Stands in for django.utils.timezone inside appeals.services while lives are replayed: `now()` is the
    moment being replayed, everything else is the real module."""

    def __init__(self) -> None:
        self.at: dt.datetime | None = None

    def now(self) -> dt.datetime:
        return self.at

    def __getattr__(self, name: str):
        return getattr(timezone, name)

    @contextmanager
    def installed(self) -> Iterator["ReplayClock"]:
        with mock.patch.object(services, "timezone", self):
            yield self


class AppealsStep:
    """The demo generator's appeals step (needs the city: units, compounds, demo accounts)."""

    __name__ = "create_appeals"

    def __init__(self, generator) -> None:
        self.city = generator

    def __call__(self, rng: random.Random) -> None:
        city = self.city
        count = getattr(settings, "CIVICGRID_DEMO_APPEALS", round(APPEALS_PER_COMPOUND * city.compound_count))
        self.rng = rng
        self.now = timezone.now().replace(microsecond=0)
        self.clock = ReplayClock()
        self.admin, self.dispatcher, self.supervisor = (
            Account.objects.get(username=name) for name in ("admin", "dispatcher", "supervisor")
        )
        self.handlers: dict[int, Account] = {}
        self.templates = appeal_templates()
        by_id = Category.objects.in_bulk()
        self.categories = {path: by_id[pk] for pk, path in category_paths().items()}
        self.departments = self._dispatch_rules()
        self.compounds = list(
            Compound.objects.filter(grid__path__startswith=city.district.path)
            .select_related("grid")
            .order_by("name")
        )
        # The roads the compounds' addresses name: 玄武区龙蟠路12号 → 龙蟠路.
        district = city.district.name
        self.roads = sorted({re.sub(r"\d+号$", "", c.address).removeprefix(district) for c in self.compounds})
        with self.clock.installed():
            for _ in city._progress(range(count), "诉求"):
                appeal = self._submit()
                with suppress(LifeReachesNow):  # the appeal stays where today finds it
                    self._live(appeal)
        services.refresh_due_states(now=self.now)

    # --- the set-up ----------------------------------------------------------------------------------------

    def _dispatch_rules(self) -> list[Unit]:
        """The demo's dispatch rules, from the templates file; the departments they name."""
        district = self.city.district.name
        units = []
        for path, name in TEMPLATES["dispatch"].items():
            unit = Unit.objects.get(name=name.format(district=district))
            services.save_dispatch_rule(actor=self.admin, unit=unit, category=self.categories[path])
            units.append(unit)
        return sorted(set(units), key=lambda unit: unit.name)

    def _handler(self, unit: Unit) -> Account:
        """An account that handles the unit's appeals: its demo handler, or one made for it."""
        if unit.pk not in self.handlers:
            held = RoleAssignment.objects.filter(role=Role.DEPARTMENT_HANDLER, unit=unit).select_related(
                "account"
            )
            assignment = held.order_by("pk").first()
            self.handlers[unit.pk] = (
                assignment.account
                if assignment
                # Numbered in the order the lives need them, not by pk: the same seed, the same usernames.
                else self.city._account(
                    self.rng, f"handler-{len(self.handlers) + 1:03d}", Role.DEPARTMENT_HANDLER, unit=unit
                )
            )
        return self.handlers[unit.pk]

    # --- one appeal's life ---------------------------------------------------------------------------------

    def _later(self, hours: tuple[float, float]) -> None:
        """Move the replay on by some hours; a step that would fall after the present is not taken."""
        moment = self.clock.at + dt.timedelta(hours=self.rng.uniform(*hours))
        if moment > self.now:
            raise LifeReachesNow
        self.clock.at = moment

    def _submit(self) -> Appeal:
        rng = self.rng
        template = rng.choice(self.templates)
        compound = rng.choice(self.compounds)
        title, text = template.fill(rng, compound=compound.name, road=rng.choice(self.roads))
        received = timezone.localtime(self.now - dt.timedelta(days=rng.uniform(0, DAYS)))
        received = received.replace(
            hour=rng.randint(7, 21), minute=rng.randint(0, 59), second=0, microsecond=0
        )
        if received > self.now:  # an hour of today still to come: yesterday's
            received -= dt.timedelta(days=1)
        lat, lng = point_in(read_shape(compound.boundary), rng)
        self.clock.at = received
        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        return services.submit_appeal(
            channel=channel,
            kind=template.kind,
            title=title,
            text=text,
            category=self.categories[template.category],
            urgency=template.urgency,
            lat=lat,
            lng=lng,
            address=compound.address,
            grid=compound.grid,
            compound=compound,
            is_anonymous=rng.random() < 0.1,
            contact_name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
            contact_phone=f"13{rng.randint(0, 9)}{rng.randrange(10**8):08d}",
            received_at=self.clock.at,
        )

    def _live(self, appeal: Appeal) -> None:
        rng = self.rng
        age_days = (self.now - appeal.received_at).days
        weights = next(w for limit, w in STAGE_WEIGHTS_BY_AGE if age_days < limit)
        last = STAGES.index(rng.choices(STAGES, weights=weights)[0])
        if last == 0:
            return
        self._later((0.05, 2))
        appeal = services.auto_dispatch(appeal)
        if appeal.status == Status.RECEIVED:
            appeal = services.dispatch_appeal(
                appeal, unit=rng.choice(self.departments), actor=self.dispatcher
            )
        if rng.random() < RETURNED_SHARE:
            appeal = self._misrouted(appeal)
        if rng.random() < SUPERVISED_SHARE:
            self._later((2, 48))
            services.supervise_appeal(appeal, actor=self.supervisor, reason="群众反映强烈，请加快办理。")
        for _round in range(2):  # a second round after an unsatisfied callback reopened it
            appeal = self._handle(appeal, last)
            if appeal.status != Status.DISPATCHED or last < STAGES.index("signed"):
                break
        if last == STAGES.index("closed") and appeal.status == Status.CALLED_BACK:
            self._later((2, 24))
            services.close_appeal(appeal, actor=self.dispatcher)

    def _misrouted(self, appeal: Appeal) -> Appeal:
        """A dispatch to the wrong unit, put right: half the time the unit returns it and the dispatcher
        sends it on; otherwise the dispatcher notices first and takes it back before it is signed (改派)."""
        rng = self.rng
        wrong = appeal.main_unit
        other = rng.choice([unit for unit in self.departments if unit != wrong])
        if rng.random() < 0.5:
            self._later((0.2, 1))
            return services.redispatch_appeal(
                appeal, unit=other, actor=self.dispatcher, reason="复核派单：该事项属其他单位职责。"
            )
        self._later((1, 6))
        appeal = services.return_appeal(appeal, actor=self._handler(wrong), reason="该事项不属于本单位职责。")
        self._later((0.5, 3))
        return services.dispatch_appeal(appeal, unit=other, actor=self.dispatcher, note="改派")

    def _handle(self, appeal: Appeal, last: int) -> Appeal:
        """One round from dispatched as far as `last`; ends reopened (dispatched) after 不满意."""
        rng = self.rng
        handler = self._handler(appeal.main_unit)
        steps = [
            ("signed", (0.2, 6), lambda: services.sign_appeal(appeal, actor=handler)),
            (
                "in_progress",
                (0.5, 30),
                lambda: services.record_first_contact(appeal, actor=handler, note="已电话联系诉求人"),
            ),
            (
                "resolved",
                (24, 24 * 9),
                lambda: services.resolve_appeal(appeal, actor=handler, reply=rng.choice(REPLIES)),
            ),
        ]
        for stage, hours, act in steps:
            if last < STAGES.index(stage):
                return appeal
            self._later(hours)
            appeal = act()
        if last < STAGES.index("called_back"):
            return appeal
        self._later((4, 72))
        satisfaction = rng.choices(list(SATISFACTION_WEIGHTS), weights=list(SATISFACTION_WEIGHTS.values()))[0]
        services.record_callback(
            appeal,
            resolution=RESOLUTION_OF[satisfaction],
            satisfaction=satisfaction,
            via=CallbackVia.PHONE,
            actor=self.dispatcher,
        )
        appeal.refresh_from_db()
        return appeal
