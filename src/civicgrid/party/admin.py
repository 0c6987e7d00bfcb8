"""Admin: course and volunteer-post catalogues are edited here; party records are read-only, because their
life goes through the services, which check the rules and leave a ledger entry."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import services
from .models import (
    BranchMeeting,
    CommitteeMember,
    CommunityReport,
    CommunityTask,
    DuesPayment,
    DuesReduction,
    MailboxMessage,
    MemberStatus,
    Organisation,
    OrganisationTransfer,
    PartyMember,
    PointEntry,
    RecruitmentApplication,
    RecruitmentStep,
    StudyCourse,
    StudyRecord,
    VoluntaryDues,
    VolunteerPost,
    VolunteerShift,
)
from .rules.recruitment import check_membership_dates, rule_set
from .rules.structure import check_committee_candidate, check_parent
from .rules.study import check_study_session
from .rules.violations import RuleViolation


@admin.register(StudyCourse)
class StudyCourseAdmin(admin.ModelAdmin):
    list_display = ["title", "hours", "pass_score"]
    search_fields = ["title"]


@admin.register(VolunteerPost)
class VolunteerPostAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "grid", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AddThroughServiceAdmin(ReadOnlyAdmin):
    """Records are added here through the service that checks their rules and traces them; they are never
    changed or deleted here. The form's clean() runs the same rule as the service, so a breach shows as a
    form error instead of failing the save."""

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        check_rules = self.check_rules

        class CheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                try:
                    check_rules(cleaned)
                except RuleViolation as violation:
                    raise ValidationError(str(violation)) from violation
                return cleaned

        return CheckedForm

    def save_model(self, request, obj, form, change) -> None:
        obj.pk = self.create(request.user, form.cleaned_data).pk

    def check_rules(self, data: dict) -> None:
        raise NotImplementedError

    def create(self, actor, data: dict):
        raise NotImplementedError


@admin.register(Organisation)
class OrganisationAdmin(AddThroughServiceAdmin):
    list_display = ["name", "kind", "parent", "grid", "compound", "unit", "term_start"]
    list_filter = ["kind", "community_based"]
    search_fields = ["name"]
    fields = [
        "name",
        "kind",
        "parent",
        "unit",
        "grid",
        "compound",
        "community_based",
        "founded_on",
        "term_start",
    ]
    autocomplete_fields = ["parent", "unit", "grid", "compound"]

    def check_rules(self, data: dict) -> None:
        if data.get("kind"):
            check_parent(data["kind"], data["parent"].kind if data.get("parent") else None)

    def create(self, actor, data: dict):
        return services.create_organisation(actor=actor, **data)


@admin.register(PartyMember)
class PartyMemberAdmin(AddThroughServiceAdmin):
    list_display = [
        "person",
        "organisation",
        "status",
        "admitted_on",
        "full_since",
        "dues_category",
        "is_mobile",
    ]
    list_filter = ["status", "dues_category", "is_mobile"]
    search_fields = ["person__name"]
    fields = [
        "person",
        "organisation",
        "status",
        "admitted_on",
        "full_since",
        "dues_category",
        "dues_base",
        "dues_from",
        "is_mobile",
    ]
    autocomplete_fields = ["person", "organisation"]

    def check_rules(self, data: dict) -> None:
        if data.get("admitted_on"):
            check_membership_dates(
                data.get("status") == MemberStatus.FULL,
                data["admitted_on"],
                data.get("full_since"),
                rule_set(),
            )

    def create(self, actor, data: dict):
        return services.register_member(actor=actor, **data)


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(AddThroughServiceAdmin):
    list_display = ["organisation", "member", "role", "term_start", "term_end"]
    list_filter = ["role"]
    fields = ["organisation", "member", "role", "term_start"]
    autocomplete_fields = ["organisation", "member"]

    def check_rules(self, data: dict) -> None:
        if data.get("member"):
            check_committee_candidate(str(data["member"]), data["member"].is_full)

    def create(self, actor, data: dict):
        return services.appoint_committee_member(actor=actor, **data)


@admin.register(StudyRecord)
class StudyRecordAdmin(AddThroughServiceAdmin):
    list_display = ["member", "course", "studied_on", "hours", "quiz_score", "confirmed_at"]
    list_filter = ["course", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["member__person__name"]
    fields = ["member", "course", "studied_on", "hours", "quiz_score"]
    autocomplete_fields = ["member", "course"]

    def check_rules(self, data: dict) -> None:
        if data.get("course") and data.get("hours") is not None and data.get("studied_on"):
            check_study_session(
                course_hours=data["course"].hours,
                hours=data["hours"],
                studied_on=data["studied_on"],
                today=timezone.localdate(),
                quiz_score=data.get("quiz_score"),
            )

    def create(self, actor, data: dict):
        return services.record_study(actor=actor, **data)


READ_ONLY = {
    OrganisationTransfer: [
        "member",
        "from_organisation",
        "to_organisation",
        "to_name",
        "issued_on",
        "status",
    ],
    BranchMeeting: ["organisation", "kind", "held_on", "place", "chair", "recorder"],
    DuesPayment: ["member", "month", "amount", "paid_on"],
    VoluntaryDues: ["member", "paid_on", "amount", "to_centre"],
    DuesReduction: ["member", "first_month", "last_month", "monthly_amount", "status", "decided_on"],
    RecruitmentApplication: ["person", "organisation", "rule_version", "next_step"],
    RecruitmentStep: ["application", "number", "done_on", "actor"],
    PointEntry: ["member", "occurred_on", "reason", "points", "note"],
    VolunteerShift: ["member", "post", "served_on", "service_hours", "travel_hours", "items_served"],
    CommunityReport: ["community", "member", "unit", "reported_on", "renewed_on"],
    CommunityTask: ["title", "kind", "community", "status", "claimed_by", "completed_on", "hours", "appeal"],
    MailboxMessage: ["subject", "organisation", "sender_name", "received_at", "appeal"],
}
for model, columns in READ_ONLY.items():
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": columns}))
