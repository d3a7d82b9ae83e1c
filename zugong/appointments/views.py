"""Selection pages: the case list (by stage, with the date each case waits for), the notices running, a case's
page (纪实) with its timeline and eligibility pre-check, the step forms, the 任前公示 (.docx), and the frontline
observation records. Thin: services do the work."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core import record_tabs, scope
from zugong.core.casework.views import CasePages
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.people import search

from . import documents, services, steps, timeline
from .filtersets import CaseFilterSet, PublicNoticeFilterSet, ObservationFilterSet
from .forms import ObservationForm
from .models import CaseStep, Observation, SelectionCase
from .rules import precheck
from .tables import CaseTable, PublicNoticeTable, ObservationTable


def visible(request, action="view"):
    return SelectionCase.objects.visible_to(request.user, action)


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
def public_notice_list(request):
    """任前公示: the notices of the cases not yet appointed, with their end dates in working days."""
    qs = (visible(request).filter(public_notice_start__isnull=False, status=SelectionCase.Status.ACTIVE,
                                  appointed_on__isnull=True)
          .select_related("cadre", "organization").order_by("public_notice_end", "pk"))
    return list_page(request, queryset=qs, filterset_class=PublicNoticeFilterSet, table_class=PublicNoticeTable,
                     template="appointments/notices.html", title="任前公示", export_name="任前公示",
                     extra={"today": timezone.localdate()})


@login_required
def public_notices_docx(request):
    """One 任前公示 document for the notices listed (same filters as the page)."""
    qs = (visible(request).filter(public_notice_start__isnull=False, status=SelectionCase.Status.ACTIVE,
                                  appointed_on__isnull=True)
          .select_related("cadre", "organization").order_by("cadre__post_order", "public_notice_end", "pk"))
    filterset = PublicNoticeFilterSet(request.GET or None, queryset=qs, request=request)
    cases = list(filterset.qs if filterset.is_bound and filterset.is_valid() else qs)
    if not cases:
        messages.error(request, "没有正在公示的人选")
        return redirect("appointments:notices")
    return _docx_response(documents.public_notice(cases), "任前公示.docx")


# ---------------------------------------------------------------- a case


@login_required
def detail(request, pk):
    case = PAGES.get_case(request, pk)
    today = timezone.localdate()
    observations = case.observations.visible_to(request.user).order_by("-observed_on")
    links = [(f"{o.task}（{o.observed_on:%Y-%m-%d}）", reverse("appointments:observation", args=[o.pk]))
             for o in observations]
    context = PAGES.page_context(request, case, timeline.build(case, PAGES.records(request, case), today, links))
    context |= {"precheck": precheck(case, today) if case.status == SelectionCase.Status.ACTIVE else [],
                "judged_on": case.decided_on or today}
    return render(request, "appointments/detail.html", context)


class SelectionPages(CasePages):
    """The step page, document upload and download of selection (`zugong.core.casework.views`)."""

    workflow = steps.WORKFLOW
    namespace = "appointments"
    title = "选拔任用"
    template = "appointments/step_form.html"
    related = ("cadre", "organization", "cadre__person")
    opening, open_title, open_denied = "proposal", "登记动议", "您没有办理选拔任用的权限"

    def subject(self, case) -> str:
        return case.cadre.name

    def initial(self, request, case: SelectionCase, definition, record: CaseStep | None) -> dict:
        initial = super().initial(request, case, definition, record)
        kind, c = definition.kind, case
        if kind == "recommendation" and c.recommended_on:
            initial |= {"participants": c.recommend_participants, "issued": c.ballots_issued,
                        "returned": c.ballots_returned, "valid": c.ballots_valid, "received": c.votes_received}
        if kind == "inspection":
            initial["observations"] = [o.pk for o in services.attached_observations(c)]
            if c.inspection_start:
                initial |= {"end": c.inspection_end, "people_talked": c.people_talked, "inspectors": c.inspectors,
                            "materials": c.inspection_materials}
        if kind == "decision" and c.decided_on:
            initial |= {"expected": c.members_expected, "present": c.members_present, "yes": c.votes_yes,
                        "no": c.votes_no, "abstain": c.votes_abstain}
        if kind == "decision":
            initial["exceptional"] = c.exceptional
        if kind == "public_notice" and c.public_notice_start:
            initial |= {"days": c.public_notice_workdays, "result": c.public_notice_result}
        if kind == "appointment":
            initial["document_no"] = c.document_no
        if kind == "termination":
            initial["reason"] = c.termination_reason
        return initial

    def open_initial(self, request) -> dict:
        """A cadre chosen from the cadre's page (?cadre=<pk>) comes with their organization."""
        initial = super().open_initial(request) | {"ends_current_posts": True}
        cadre_pk = request.GET.get("cadre", "")
        if cadre_pk.isdigit():
            cadre = Cadre.objects.visible_to(request.user).filter(pk=cadre_pk).first()
            if cadre is not None:
                initial |= {"cadre": cadre.pk, "organization": cadre.organization_id}
        return initial

    def open(self, user, form) -> services.StepResult:
        data = form.cleaned_data
        return services.open_case(
            user, cadre=data["cadre"], organization=data["organization"], record=form.record(),
            title=data["title"], rank=data["rank"], unit_name=data["unit_name"],
            appointment_method=data["appointment_method"], probation_applies=data["probation_applies"],
            ends_current_posts=data["ends_current_posts"], reason=data["reason"], exceptional=data["exceptional"],
            party_committee=data["party_committee"])

    def opened_message(self, form) -> str:
        return f"已登记{form.cleaned_data['cadre'].name}的动议"

    def perform(self, user, case: SelectionCase, kind: str, form) -> services.StepResult:
        record, data = form.record(), form.cleaned_data
        calls = {
            "proposal": lambda: services.correct_proposal(user, case, record),
            "recommendation": lambda: services.recommend(user, case, record, **form.counts()),
            "inspection": lambda: services.inspect(
                user, case, record, end=data["end"], people_talked=data["people_talked"],
                inspectors=data["inspectors"], materials=data["materials"], observations=list(data["observations"])),
            "decision": lambda: services.decide(user, case, record, **form.votes()),
            "public_notice": lambda: services.public_notice(user, case, record, days=data["days"],
                                                            result=data["result"]),
            "appointment": lambda: services.appoint(user, case, record, document_no=data["document_no"]),
            "probation": lambda: services.conclude_probation(user, case, record, result=data["result"]),
            "termination": lambda: services.terminate(user, case, record, reason=data["reason"]),
        }
        return calls[kind]()

    def extra_context(self, request, case, definition, form) -> dict:
        """The decision's form shows what the decision would be refused for, as of the date entered (today at
        first)."""
        if definition.kind != "decision":
            return {"precheck": []}
        day = (getattr(form, "cleaned_data", None) or {}).get("on") or timezone.localdate()
        return {"precheck": precheck(case, day)}


PAGES = SelectionPages()
create, step, add_document, document = PAGES.views()


def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=documents.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def docx(request, pk):
    """The 任前公示 of one case (.docx)."""
    case = PAGES.get_case(request, pk)
    if not case.public_notice_start:
        messages.error(request, "尚未记录任前公示，不能生成公示文稿")
        return redirect("appointments:detail", pk=case.pk)
    return _docx_response(documents.public_notice([case]), f"{case.cadre.name}-任前公示.docx")


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
    inspections = obs.inspections.visible_to(request.user).select_related("cadre")
    return render(request, "appointments/observation_detail.html", {
        "obs": obs, "log": record_tabs.log(request, obs), "inspections": inspections,
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
        people = search.matching_ids(q)
        found = Cadre.objects.visible_to(request.user).filter(person__in=people).order_by("stroke_key")[:30]
    return JsonResponse({"results": [{"id": c.pk, "text": f"{c.name}（{c.current_title or c.rank_name or '干部'}）"}
                                     for c in found]})
