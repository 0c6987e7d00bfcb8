"""The demo generator's appeals step: lives driven through the services, the same appeals from the same
seed, and a ledger that still verifies. Built at a small scale (the default city makes 2,000)."""

import hashlib
import random
from collections import Counter

import pytest
from django.db import transaction
from django.test import override_settings

from civicgrid.appeals.models import Appeal, AppealEvent, DispatchRule, Status, Supervision
from civicgrid.demo.appeals import AppealsStep
from civicgrid.demo.generator import DemoCityGenerator
from civicgrid.ledger.selectors import verify_chain

APPEALS = 30


def city_without_appeals() -> DemoCityGenerator:
    generator = DemoCityGenerator(district_code="320102", seed=11, compounds=310, property_companies=6)
    generator.steps = [step for step in generator.steps if not isinstance(step, AppealsStep)]
    generator.build()
    return generator


def run_appeals_step(generator: DemoCityGenerator) -> AppealsStep:
    """The step as the generator runs it: its own random stream, named after it."""
    step = AppealsStep(generator)
    with override_settings(CIVICGRID_DEMO_APPEALS=APPEALS):
        step(random.Random(f"{generator.seed}:create_appeals"))
    return step


def appeals_digest() -> str:
    """What the seed decides; times are left out, as they follow the moment of the build."""
    appeals = Appeal.objects.order_by("title", "text", "contact__phone").values_list(
        "title",
        "text",
        "channel",
        "kind",
        "urgency",
        "category__name",
        "compound__name",
        "status",
        "main_unit__name",
        "contact__phone",
        "is_anonymous",
        "reopen_count",
    )
    events = AppealEvent.objects.order_by("appeal__contact__phone", "at", "pk").values_list(
        "appeal__contact__phone", "action", "to_status"
    )
    return hashlib.sha256(repr([list(appeals), list(events)]).encode()).hexdigest()


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The city once; the appeals step on it twice, the first run rolled back after its digest is taken."""
    with django_db_blocker.unblock(), transaction.atomic():
        generator = city_without_appeals()
        with transaction.atomic():
            run_appeals_step(generator)
            first = appeals_digest()
            transaction.set_rollback(True)
        step = run_appeals_step(generator)
        yield first, appeals_digest(), step.now
        transaction.set_rollback(True)


# Every test asks for `db`: pytest-django sets up the test database only for sessions that have such a test.
def test_same_seed_same_appeals(built, db):
    first, second, _ = built
    assert first == second


def test_appeals_have_lives_in_every_stage_and_a_verifiable_trace(built, db):
    assert Appeal.objects.count() == APPEALS
    statuses = Counter(Appeal.objects.values_list("status", flat=True))
    assert statuses[Status.CLOSED] > APPEALS / 3
    assert {Status.RECEIVED, Status.DISPATCHED, Status.IN_PROGRESS} & set(statuses)
    assert Appeal.objects.filter(grid__isnull=False, compound__isnull=False).count() == APPEALS
    assert DispatchRule.objects.filter(category__level=1).exists()
    assert Supervision.objects.exists() or not Appeal.objects.filter(due_state="overdue").exists()
    for appeal in Appeal.objects.filter(status=Status.CLOSED)[:10]:
        actions = list(appeal.events.order_by("at", "pk").values_list("action", flat=True))
        assert actions[0] == "submit" and actions[-1] == "close" and "resolve" in actions
    assert verify_chain().broken_at is None


def test_lives_stop_at_the_present_rather_than_crowd_into_it(built, db):
    # A step that would fall after the build is not taken (before, it was squeezed into the moment of the
    # build). The deadline sweep's 督办 belong to that moment by right.
    *_, now = built
    lived = AppealEvent.objects.exclude(action="supervise", data__automatic=True)
    assert not lived.filter(at__gte=now).exists()
