"""Selection pages: the case list (by stage, with the date each case waits for), the notices running, a case's
page (纪实) with its timeline and eligibility pre-check, the step forms, the 任前公示 (.docx), and the frontline
observation records. Thin: services do the work."""

from __future__ import annotations

import mimetypes
import os
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core import rule_views, rules, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.core.models import AuditEntry
from zugong.people import search
from zugong.people.models import Person

from . import documents, services, steps, timeline
from .filtersets import CaseFilterSet, NoticeFilterSet, ObservationFilterSet
from .forms import DocumentForm, ObservationForm, OpenCaseForm, form_for
from .models import CaseDocument, CaseStep, Observation, SelectionCase
from .rules import precheck
from .tables import CaseTable, NoticeTable, ObservationTable


def visible(request, action="view"):
    return SelectionCase.objects.visible_to(request.user, action)


def get_visible(request, pk, action="view") -> SelectionCase:
    case = get_object_or_404(visible(request).select_related("cadre", "organization", "cadre__person"), pk=pk)
    if action != "view" and not scope.can(request.user, action, case.org_path):
        raise PermissionDenied("您无权修改该选拔任用纪实")
    return case


# ---------------------------------------------------------------- lists


@login_required
def case_list(request):
    qs = timeline.annotate_next_due(visible(request).select_related("cadre", "organization")).order_by(
        "stage", "next_due", "-proposed_on", "pk")
    counts = dict(visible(request).order_by().values_list("stage").annotate(n=Count("pk")))
    stages = [(n, label, counts.get(n, 0)) for n, label in steps.STAGES.items()]
    return list_page(request, queryset=qs, filterset_class=CaseFilterSet, table_class=CaseTable,
                     template="appointments/list.html", title="选拔任用", export_name="选拔任用纪实",
                     extra={"stages": stages, "current_stage": request.GET.get("stage", "")})


@login_required
def notice_list(request):
    """任前公示: the notices of the cases not yet appointed, with their end dates in working days."""
    qs = (visible(request).filter(notice_start__isnull=False, status=SelectionCase.Status.ACTIVE,
                                  appointed_on__isnull=True)
          .select_related("cadre", "organization").order_by("notice_end", "pk"))
    return list_page(request, queryset=qs, filterset_class=NoticeFilterSet, table_class=NoticeTable,
                     template="appointments/notices.html", title="任前公示", export_name="任前公示",
                     extra={"today": timezone.localdate()})


@login_required
def notices_docx(request):
    """One 任前公示 document for the notices listed (same filters as the page)."""
    qs = (visible(request).filter(notice_start__isnull=False, status=SelectionCase.Status.ACTIVE,
                                  appointed_on__isnull=True)
          .select_related("cadre", "organization").order_by("cadre__post_order", "notice_end", "pk"))
    filterset = NoticeFilterSet(request.GET or None, queryset=qs, request=request)
    cases = list(filterset.qs if filterset.is_bound and filterset.is_valid() else qs)
    if not cases:
        messages.error(request, "没有正在公示的人选")
        return redirect("appointments:notices")
    return _docx_response(documents.notice(cases), "任前公示.docx")


# ---------------------------------------------------------------- a case


@login_required
def detail(request, pk):
    case = get_visible(request, pk)
    tab = request.GET.get("tab", "timeline")
    today = timezone.localdate()
    records = list(CaseStep.objects.visible_to(request.user).filter(case=case).select_related("recorded_by")
                   .prefetch_related(Prefetch("documents", queryset=CaseDocument.objects.visible_to(request.user))))
    findings = rule_views.for_record(request.user, "appointments.selectioncase", case.pk)
    context = {
        "case": case, "tab": tab, "timeline": timeline.build(case, records, today),
        "precheck": precheck(case, today) if case.status == SelectionCase.Status.ACTIVE else [],
        "judged_on": case.decided_on or today,
        "observations": case.observations.visible_to(request.user).order_by("-observed_on"),
        "findings": findings,
        "open_findings": sum(1 for f in findings if f.resolved_at is None and f.excepted_at is None),
        "can_change": scope.can(request.user, "change", case.org_path),
        "stages": steps.STAGES,
    }
    if tab == "log":
        log = AuditEntry.objects.unrestricted().filter(model="appointments.selectioncase", object_id=str(case.pk))
        context["log"] = Paginator(log, 50).get_page(request.GET.get("page"))
    return render(request, "appointments/detail.html", context)


def _initial(case: SelectionCase, kind: str, record: CaseStep | None) -> dict:
    initial = {"on": record.on if record else timezone.localdate()}
    if record is not None:
        initial |= {"done_by": record.done_by, "note": record.note}
    c = case
    if kind == "recommendation" and c.recommended_on:
        initial |= {"participants": c.recommend_participants, "issued": c.ballots_issued,
                    "returned": c.ballots_returned, "valid": c.ballots_valid, "received": c.votes_received}
    if kind == "inspection":
        initial["observations"] = list(Observation.objects.unrestricted().filter(inspections=c).values_list("pk", flat=True))
        if c.inspection_start:
            initial |= {"end": c.inspection_end, "people_talked": c.people_talked, "inspectors": c.inspectors,
                        "materials": c.inspection_materials}
    if kind == "decision" and c.decided_on:
        initial |= {"expected": c.members_expected, "present": c.members_present, "yes": c.votes_yes,
                    "no": c.votes_no, "abstain": c.votes_abstain}
    if kind == "notice" and c.notice_start:
        initial |= {"days": c.notice_workdays, "result": c.notice_result}
    if kind == "appointment":
        initial["document_no"] = c.document_no
    if kind == "termination":
        initial["reason"] = c.termination_reason
    return initial


def _perform(user, case: SelectionCase, kind: str, form) -> services.StepResult:
    record, data = form.record(), form.cleaned_data
    calls = {
        "proposal": lambda: services._step(user, case, "proposal", record, {"proposed_on": record.on}, []),
        "recommendation": lambda: services.recommend(user, case, record, **form.counts()),
        "inspection": lambda: services.inspect(user, case, record, end=data["end"], people_talked=data["people_talked"],
                                               inspectors=data["inspectors"], materials=data["materials"],
                                               observations=list(data["observations"])),
        "decision": lambda: services.decide(user, case, record, **form.votes()),
        "notice": lambda: services.notice(user, case, record, days=data["days"], result=data["result"]),
        "appointment": lambda: services.appoint(user, case, record, document_no=data["document_no"]),
        "probation": lambda: services.conclude_probation(user, case, record, result=data["result"]),
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
    record = CaseStep.objects.visible_to(request.user).filter(case=case, kind=kind).first()
    can_except = scope.can(request.user, "manage", case.org_path)
    form_class = form_for(kind)

    def make_form(allow_exception):
        return form_class(request.POST or None, request.FILES or None, user=request.user, step=definition,
                          case=case, allow_exception=allow_exception, initial=_initial(case, kind, record))

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
            return redirect("appointments:detail", pk=case.pk)
    title = f"{'修改' if record else '记录'}：{definition.label}（{case.cadre.name}）"
    checked = []
    if kind == "decision":  # what the decision would be refused for, as of the date entered (today at first)
        day = (getattr(form, "cleaned_data", None) or {}).get("on") or timezone.localdate()
        checked = precheck(case, day)
    return render(request, "appointments/step_form.html", {
        "form": form, "title": title, "case": case, "definition": definition, "precheck": checked})


@login_required
def create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有办理选拔任用的权限")
    definition = steps.BY_KIND["proposal"]
    initial = {"on": timezone.localdate(), "ends_current_posts": True}
    cadre_pk = request.GET.get("cadre", "")
    if cadre_pk.isdigit():
        cadre = Cadre.objects.visible_to(request.user).filter(pk=cadre_pk).first()
        if cadre is not None:
            initial |= {"cadre": cadre.pk, "organization": cadre.organization_id}
    form = OpenCaseForm(request.POST or None, request.FILES or None, user=request.user, step=definition,
                        initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.open_case(
                request.user, cadre=data["cadre"], organization=data["organization"], record=form.record(),
                title=data["title"], rank=data["rank"], unit_name=data["unit_name"],
                appointment_method=data["appointment_method"], probation_applies=data["probation_applies"],
                ends_current_posts=data["ends_current_posts"], reason=data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, f"已登记{data['cadre'].name}的动议")
            return redirect("appointments:detail", pk=result.case.pk)
    return render(request, "appointments/step_form.html", {"form": form, "title": "登记动议",
                                                           "definition": definition})


@login_required
def add_document(request, pk):
    record = get_object_or_404(CaseStep.objects.visible_to(request.user).select_related("case"), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not scope.can(request.user, "change", record.case.org_path):
        raise PermissionDenied("您无权修改该选拔任用纪实")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_document(request.user, record, form.cleaned_data["file"], form.cleaned_data["title"])
        messages.success(request, "已上传材料")
    else:
        messages.error(request, "请选择要上传的文件")
    return redirect("appointments:detail", pk=record.case_id)


@login_required
def document(request, pk):
    doc = get_object_or_404(CaseDocument.objects.visible_to(request.user), pk=pk)
    content_type = mimetypes.guess_type(doc.file.name)[0] or "application/octet-stream"
    extension = os.path.splitext(doc.file.name)[1]
    name = doc.title if doc.title.endswith(extension) else f"{doc.title}{extension}"
    return FileResponse(doc.file.open("rb"), content_type=content_type, as_attachment=True, filename=name)


def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=documents.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def docx(request, pk):
    """The 任前公示 of one case (.docx)."""
    case = get_visible(request, pk)
    if not case.notice_start:
        messages.error(request, "尚未记录任前公示，不能生成公示文稿")
        return redirect("appointments:detail", pk=case.pk)
    return _docx_response(documents.notice([case]), f"{case.cadre.name}-任前公示.docx")


# ---------------------------------------------------------------- frontline observation


@login_required
def observation_list(request):
    qs = Observation.objects.visible_to(request.user).select_related("cadre").order_by("-observed_on", "-pk")
    return list_page(request, queryset=qs, filterset_class=ObservationFilterSet, table_class=ObservationTable,
                     template="appointments/observations.html", title="一线考察识别",
                     export_name="一线考察识别记录")


def _observation_values(data) -> dict:
    return {k: data.get(k) if data.get(k) is not None else "" for k in services.OBSERVATION_FIELDS} | {
        "observed_until": data.get("observed_until")}


@login_required
def observation_create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有记录一线考察识别的权限")
    initial = {"observed_on": timezone.localdate()}
    cadre_pk = request.GET.get("cadre", "")
    if cadre_pk.isdigit() and Cadre.objects.visible_to(request.user).filter(pk=cadre_pk).exists():
        initial["cadre"] = int(cadre_pk)
    form = ObservationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            obs = services.record_observation(request.user, form.cleaned_data["cadre"],
                                              **_observation_values(form.cleaned_data))
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, "已记录一线考察识别情况")
            return redirect("appointments:observation", pk=obs.pk)
    return render(request, "appointments/observation_form.html", {"form": form, "title": "记录一线考察识别情况"})


@login_required
def observation_detail(request, pk):
    obs = get_object_or_404(Observation.objects.visible_to(request.user).select_related("cadre"), pk=pk)
    log = AuditEntry.objects.unrestricted().filter(model="appointments.observation", object_id=str(obs.pk))
    inspections = obs.inspections.visible_to(request.user).select_related("cadre")
    return render(request, "appointments/observation_detail.html", {
        "obs": obs, "log": Paginator(log, 50).get_page(request.GET.get("page")), "inspections": inspections,
        "can_change": scope.can(request.user, "change", obs.org_path)})


@login_required
def observation_edit(request, pk):
    obs = get_object_or_404(Observation.objects.visible_to(request.user).select_related("cadre"), pk=pk)
    if not scope.can(request.user, "change", obs.org_path):
        raise PermissionDenied("您无权修改该一线考察识别记录")
    if request.method == "POST" and request.POST.get("delete"):
        try:
            services.delete_observation(request.user, obs)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("appointments:observation", pk=obs.pk)
        messages.success(request, "已删除一线考察识别记录")
        return redirect("appointments:observations")
    form = ObservationForm(request.POST or None, instance=obs, user=request.user, fixed_cadre=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_observation(request.user, obs, **_observation_values(form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("appointments:observation", pk=obs.pk)
    return render(request, "appointments/observation_form.html",
                  {"form": form, "title": f"修改一线考察识别记录（{obs.cadre.name}）", "obs": obs})


# ---------------------------------------------------------------- pickers


@login_required
def cadre_picker(request):
    """Cadres for a form's picker, among those the user may see (name, pinyin or the ID number's end)."""
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        people = search.search(Person.objects.unrestricted(), q).values("pk")
        found = Cadre.objects.visible_to(request.user).filter(person__in=people).order_by("stroke_key")[:30]
    return JsonResponse({"results": [{"id": c.pk, "text": f"{c.name}（{c.current_title or c.rank_name or '干部'}）"}
                                     for c in found]})
