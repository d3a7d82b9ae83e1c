"""Recruitment pages: the case list, a case's page (纪实), the step forms, the deadlines of the next 30 days,
statistics by target group, the generated documents and the uploaded ones. Thin: services do the work."""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from zugong.core import rule_views, rules, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.core.models import AuditEntry
from zugong.members.models import Membership
from zugong.orgs.models import Organization
from zugong.people import search
from zugong.people.models import Person

from . import deadlines, documents, services, stats, steps, timeline
from .filtersets import CaseFilterSet, DeadlineFilterSet, subtree
from .forms import DocumentForm, OpenCaseForm, form_for
from .models import Case, CaseContact, Step, StepDocument
from .tables import CaseTable, DeadlineTable


def visible(request, action="view"):
    return Case.objects.visible_to(request.user, action)


def get_visible(request, pk, action="view") -> Case:
    """The case if the user may see it (404 otherwise); 403 if they may see it but not `action` it."""
    case = get_object_or_404(visible(request).select_related("person", "organization"), pk=pk)
    if action != "view" and not scope.can(request.user, action, case.org_path):
        raise PermissionDenied("您无权修改该发展党员纪实")
    return case


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


def _contacts(request, case):
    full = Membership.objects.unrestricted().filter(person=OuterRef("person"), status=Membership.Status.FULL)
    status = Membership.objects.unrestricted().filter(person=OuterRef("person")).values("status")[:1]
    return (CaseContact.objects.visible_to(request.user).filter(case=case).select_related("person")
            .annotate(is_full=Exists(full), member_status=Subquery(status)))


@login_required
def detail(request, pk):
    case = get_visible(request, pk)
    tab = request.GET.get("tab", "timeline")
    records = list(Step.objects.visible_to(request.user).filter(case=case)
                   .select_related("done_by_person", "recorded_by")
                   .prefetch_related(Prefetch("documents", queryset=StepDocument.objects.visible_to(request.user))))
    findings = rule_views.for_record(request.user, "recruitment.case", case.pk)
    context = {
        "case": case, "tab": tab, "timeline": timeline.build(case, records, timezone.localdate()),
        "contacts": _contacts(request, case), "findings": findings,
        "open_findings": sum(1 for f in findings if f.resolved_at is None and f.excepted_at is None),
        "documents": documents.available(case), "stages": steps.STAGES,
        "can_change": scope.can(request.user, "change", case.org_path),
    }
    if tab == "log":
        log = AuditEntry.objects.unrestricted().filter(model="recruitment.case", object_id=str(case.pk))
        context["log"] = Paginator(log, 50).get_page(request.GET.get("page"))
    return render(request, "recruitment/detail.html", context)


def _initial(case: Case, definition: steps.StepDef, record: Step | None) -> dict:
    """A step form filled with what is recorded, for a correction."""
    initial = {"on": record.on if record else timezone.localdate()}
    if record is not None:
        initial |= {"done_by": record.done_by, "done_by_person": record.done_by_person_id, "note": record.note}
    votes = {"expected": "expected_voters", "present": "present_voters", "yes": "yes_votes", "no": "no_votes",
             "abstain": "abstain_votes"}
    if definition.kind == "branch_meeting" and case.branch_meeting_on:
        initial |= {k: getattr(case, v) for k, v in votes.items()}
    if definition.kind == "conversion_meeting" and case.conversion_meeting_on:
        initial |= {k: getattr(case, f"conversion_{v}") for k, v in votes.items()}
    if definition.kind == "candidate":
        initial |= {"publicity_start": case.candidate_publicity_start, "publicity_end": case.candidate_publicity_end}
    if definition.kind == "prereview":
        initial |= {"publicity_start": case.admission_publicity_start, "publicity_end": case.admission_publicity_end}
    if definition.kind == "training" and case.training_start:
        initial |= {"end": case.training_end, "hours": case.training_hours}
    if definition.kind == "review" and case.review_passed is not None:
        initial["passed"] = "1" if case.review_passed else "0"
    if definition.kind == "approval":
        initial["special_reason"] = case.approval_special_reason
    if definition.kind == "extension":
        initial["months"] = case.probation_extended_months
    if definition.kind in ("sponsors", "introducers"):
        role = CaseContact.Role.SPONSOR if definition.kind == "sponsors" else CaseContact.Role.INTRODUCER
        contacts = CaseContact.objects.unrestricted().filter(case=case, role=role)
        for name, c in zip(("first", "second"), contacts, strict=False):
            initial[name], initial[f"{name}_discipline_until"] = c.person_id, c.discipline_until
    return initial


def _perform(user, case: Case, kind: str, form) -> services.StepResult:
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
    publicity = {"publicity_start": data.get("publicity_start"), "publicity_end": data.get("publicity_end")}
    calls = {
        "sponsors": lambda: services.designate_sponsors(user, case, [p for p, _ in form.people()], record),
        "introducers": lambda: services.designate_introducers(user, case, form.people(), record),
        "candidate": lambda: services.designate_candidate(user, case, record, **publicity),
        "prereview": lambda: services.prereview(user, case, record, **publicity),
        "review": lambda: services.conclude_review(user, case, record, passed=data["passed"]),
        "training": lambda: services.record_training(user, case, record, end=data["end"], hours=data.get("hours")),
        "branch_meeting": lambda: services.hold_branch_meeting(user, case, record, **form.votes()),
        "conversion_meeting": lambda: services.hold_conversion_meeting(user, case, record, **form.votes()),
        "approval": lambda: services.approve_admission(user, case, record, special_reason=data["special_reason"]),
        "extension": lambda: services.extend_probation(user, case, record, months=data["months"]),
        "termination": lambda: services.terminate(user, case, record, reason=data["reason"]),
    }
    return calls[kind]()


@login_required
def step(request, pk):
    """Record (or correct) one step of a case: ?step=<kind>."""
    case = get_visible(request, pk, "change")
    kind = request.POST.get("step") or request.GET.get("step", "")
    definition = steps.BY_KIND.get(kind)
    if definition is None or not timeline.can_record(case, definition):
        raise Http404
    record = None
    if not definition.recurring:
        record = Step.objects.visible_to(request.user).filter(case=case, kind=kind).first()
    can_except = scope.can(request.user, "manage", case.org_path)
    form_class = form_for(kind)

    def make_form(allow_exception):
        return form_class(request.POST or None, request.FILES or None, user=request.user, step=definition,
                          allow_exception=allow_exception, initial=_initial(case, definition, record))

    form = make_form(can_except and "exception_reason" in request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            result = _perform(request.user, case, kind, form)
        except rules.RuleViolation as exc:
            if can_except and "exception_reason" not in form.fields:
                form = make_form(True)
                form.is_valid()
            form.add_error(None, exc.messages)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, f"已记录“{definition.label}”")
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("recruitment:detail", pk=case.pk)
    title = f"{'修改' if record else '记录'}：{definition.label}（{case.person.name}）"
    return render(request, "recruitment/step_form.html", {"form": form, "title": title, "case": case,
                                                          "definition": definition})


@login_required
def create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有登记发展党员的权限")
    definition = steps.BY_KIND["application"]
    form = OpenCaseForm(request.POST or None, request.FILES or None, user=request.user, step=definition,
                        initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.open_case(request.user, person=data["person"], organization=data["organization"],
                                        record=form.record(), target_group=data["target_group"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记{data['person'].name}的入党申请")
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("recruitment:detail", pk=result.case.pk)
    return render(request, "recruitment/step_form.html", {"form": form, "title": "登记入党申请",
                                                          "definition": definition})


@login_required
def add_document(request, pk):
    """Attach a document to a recorded step (pk: the step); POST only, after the step is found."""
    record = get_object_or_404(Step.objects.visible_to(request.user).select_related("case"), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not scope.can(request.user, "change", record.case.org_path):
        raise PermissionDenied("您无权修改该发展党员纪实")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_document(request.user, record, form.cleaned_data["file"], form.cleaned_data["title"])
        messages.success(request, "已上传材料")
    else:
        messages.error(request, "请选择要上传的文件")
    return redirect("recruitment:detail", pk=record.case_id)


@login_required
def document(request, pk):
    """An uploaded document, only for who may see its case."""
    doc = get_object_or_404(StepDocument.objects.visible_to(request.user), pk=pk)
    content_type = mimetypes.guess_type(doc.file.name)[0] or "application/octet-stream"
    extension = os.path.splitext(doc.file.name)[1]
    name = doc.title if doc.title.endswith(extension) else f"{doc.title}{extension}"
    return FileResponse(doc.file.open("rb"), content_type=content_type, as_attachment=True, filename=name)


@login_required
def docx(request, pk):
    """A standard document of the process generated from the case (?form=activist|candidate|publicity)."""
    case = get_visible(request, pk)
    kind = documents.KINDS.get(request.GET.get("form", ""))
    if kind is None:
        raise Http404
    if kind not in documents.available(case):
        messages.error(request, f"尚未记录所需步骤，不能生成{kind.title}")
        return redirect("recruitment:detail", pk=case.pk)
    response = HttpResponse(kind.build(case), content_type=documents.DOCX)
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
    full = Membership.objects.unrestricted().filter(person=OuterRef("pk"), status=Membership.Status.FULL)
    return _picker(request, Person.objects.visible_to(request.user).filter(Exists(full)))
