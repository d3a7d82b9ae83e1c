"""Recruitment pages: the case list, a case's page (纪实), the step forms, the deadlines of the next 30 days,
statistics by target group, the generated documents and the uploaded ones. Thin: services do the work."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from zugong.core.casework.views import CasePages
from zugong.core.lists import list_page
from zugong.orgs.models import Organization
from zugong.people import search
from zugong.people import services as people_services
from zugong.people.models import Person

from . import deadlines, documents, services, stats, steps, timeline
from .filtersets import CaseFilterSet, DeadlineFilterSet, subtree
from .models import Case, CaseContact, Step
from .tables import CaseTable, DeadlineTable


def visible(request, action="view"):
    return Case.objects.visible_to(request.user, action)


# ---------------------------------------------------------------- lists


@login_required
def case_list(request):
    qs = visible(request).select_related("person", "organization").order_by("org_path", "stage", "applied_on", "pk")
    return list_page(request, queryset=qs, filterset_class=CaseFilterSet, table_class=CaseTable,
                     template="recruitment/list.html", title="发展党员", export_name="发展党员台账")


@login_required
def deadline_list(request):
    today = timezone.localdate()
    days = request.GET.get("days", "")
    days = min(int(days), 366) if days.isdigit() and int(days) > 0 else 30
    first = None if request.GET.get("overdue") in ("on", "true", "1") else today
    qs = deadlines.due_between(visible(request).select_related("person", "organization"), first,
                               today + dt.timedelta(days=days)).order_by("next_due", "pk")
    return list_page(request, queryset=qs, filterset_class=DeadlineFilterSet, table_class=DeadlineTable,
                     template="recruitment/deadlines.html", title=f"{days} 天内到期事项",
                     export_name="发展党员到期事项", extra={"days": days})


@login_required
def statistics(request):
    qs = visible(request)
    code = request.GET.get("org", "").strip()
    org = None
    if code:
        org = Organization.objects.visible_to(request.user).filter(code=code).first()
        qs = subtree(request, qs, code)
    for bound, lookup in (("from", "gte"), ("to", "lte")):
        value = request.GET.get(bound, "").strip()
        if value.isdigit():
            qs = qs.filter(**{f"branch_meeting_on__year__{lookup}": int(value)})
    data = stats.development_by_group(qs)
    return render(request, "recruitment/stats.html", {
        "title": "发展党员统计", "stats": data, "chart": stats.chart_data(data), "org": org, "code": code,
        "year_from": request.GET.get("from", ""), "year_to": request.GET.get("to", ""),
    })


# ---------------------------------------------------------------- a case


@login_required
def detail(request, pk):
    case = PAGES.get_case(request, pk)
    context = PAGES.page_context(request, case, timeline.build(case, PAGES.records(request, case),
                                                                timezone.localdate()))
    contacts = services.with_membership(CaseContact.objects.visible_to(request.user).filter(case=case))
    context |= {"contacts": contacts, "documents": documents.available(case)}
    return render(request, "recruitment/detail.html", context)


class RecruitmentPages(CasePages):
    """The step page, document upload and download of recruitment (`zugong.core.casework.views`)."""

    workflow = steps.WORKFLOW
    namespace = "recruitment"
    title = "发展党员"
    related = ("person", "organization")
    opening, open_title, open_denied = "application", "登记入党申请", "您没有登记发展党员的权限"
    step_related = ("done_by_person", "recorded_by")

    def subject(self, case) -> str:
        return case.person.name

    def initial(self, request, case: Case, definition, record: Step | None) -> dict:
        """A step form filled with what is recorded, for a correction."""
        initial = super().initial(request, case, definition, record)
        if record is not None:
            initial["done_by_person"] = record.done_by_person_id
        kind = definition.kind
        votes = {"expected": "expected_voters", "present": "present_voters", "yes": "yes_votes",
                 "no": "no_votes", "abstain": "abstain_votes"}
        if kind == "branch_meeting" and case.branch_meeting_on:
            initial |= {k: getattr(case, v) for k, v in votes.items()}
        if kind == "conversion_meeting" and case.conversion_meeting_on:
            initial |= {k: getattr(case, f"conversion_{v}") for k, v in votes.items()}
        notice = {"candidate": "candidate", "prereview": "admission"}.get(kind)
        if notice:
            initial |= {"public_notice_start": getattr(case, f"{notice}_public_notice_start"),
                        "public_notice_end": getattr(case, f"{notice}_public_notice_end")}
        if kind == "training" and case.training_start:
            initial |= {"end": case.training_end, "hours": case.training_hours}
        if kind == "review" and case.review_passed is not None:
            initial["passed"] = "1" if case.review_passed else "0"
        if kind == "approval":
            initial["special_reason"] = case.approval_special_reason
            initial["approving_organization"] = (case.approving_organization_id
                                                 or getattr(services.approving_committee(case.organization), "pk", None))
        if kind == "extension":
            initial["months"] = case.probation_extended_months
        if kind in ("sponsors", "introducers"):
            role = CaseContact.Role.SPONSOR if kind == "sponsors" else CaseContact.Role.INTRODUCER
            contacts = services.contacts(case, role)
            for name, c in zip(("first", "second"), contacts, strict=False):
                initial[name], initial[f"{name}_discipline_until"] = c.person_id, c.discipline_until
        return initial

    def open(self, user, form) -> services.StepResult:
        data = form.cleaned_data
        return services.open_case(user, person=data["person"], organization=data["organization"],
                                  record=form.record(), target_group=data["target_group"])

    def opened_message(self, form) -> str:
        return f"已登记{form.cleaned_data['person'].name}的入党申请"

    def perform(self, user, case: Case, kind: str, form) -> services.StepResult:
        """Call the step's service with the form's values."""
        record, data = form.record(), form.cleaned_data
        if kind in steps.PLAIN:
            return services.record_step(user, case, kind, record)
        simple = {"talk": services.record_talk, "activist": services.designate_activist,
                  "committee_review": services.committee_review, "oath": services.record_oath,
                  "conversion_application": services.apply_for_conversion,
                  "conversion_approval": services.approve_conversion}
        if kind in simple:
            return simple[kind](user, case, record)
        notice = {"public_notice_start": data.get("public_notice_start"),
                  "public_notice_end": data.get("public_notice_end")}
        calls = {
            "sponsors": lambda: services.designate_sponsors(user, case, [p for p, _ in form.people()], record),
            "introducers": lambda: services.designate_introducers(user, case, form.people(), record),
            "candidate": lambda: services.designate_candidate(user, case, record, **notice),
            "prereview": lambda: services.prereview(user, case, record, **notice),
            "review": lambda: services.conclude_review(user, case, record, passed=data["passed"]),
            "training": lambda: services.record_training(user, case, record, end=data["end"],
                                                         hours=data.get("hours")),
            "branch_meeting": lambda: services.hold_branch_meeting(user, case, record, **form.votes()),
            "conversion_meeting": lambda: services.hold_conversion_meeting(user, case, record, **form.votes()),
            "approval": lambda: services.approve_admission(
                user, case, record, special_reason=data["special_reason"],
                approving_organization=data.get("approving_organization")),
            "extension": lambda: services.extend_probation(user, case, record, months=data["months"]),
            "termination": lambda: services.terminate(user, case, record, reason=data["reason"]),
        }
        return calls[kind]()


PAGES = RecruitmentPages()
create, step, add_document, document = PAGES.views()


@login_required
def docx(request, pk):
    """A standard document of the process generated from the case (?form=activist|candidate|public_notice)."""
    case = PAGES.get_case(request, pk)
    kind = documents.KINDS.get(request.GET.get("form", ""))
    if kind is None:
        raise Http404
    if kind not in documents.available(case):
        messages.error(request, f"尚未记录所需步骤，不能生成{kind.title}")
        return redirect("recruitment:detail", pk=case.pk)
    full = people_services.may_see_full(request.user, case.person)  # else the ID number is masked
    response = HttpResponse(kind.build(case, full=full), content_type=documents.DOCX)
    filename = f"{case.person.name}-{kind.title}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ---------------------------------------------------------------- pickers


def _picker(request, people):
    q = request.GET.get("q", "").strip()
    found = search.search(people, q).select_related("organization")[:30] if q else []
    return JsonResponse({"results": [{"id": p.pk, "text": f"{p.name}（{p.organization.name}，身份证尾号{p.id_tail}）"}
                                     for p in found]})


@login_required
def person_picker(request):
    """People for a form's picker, among those the user may see."""
    return _picker(request, Person.objects.visible_to(request.user))


@login_required
def member_picker(request):
    """Full members (sponsors, introducers), among the people the user may see."""
    return _picker(request, services.full_members(Person.objects.visible_to(request.user)))
