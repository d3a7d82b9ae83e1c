"""Talent pages: applications — the list (filters, export), the application page (申报人, 层次, 单位, the pre-check
with each condition's evidence and source, the review score once its round is published, objections, the
timeline), opening an application, the step pages (`ApplicationPages`, a `CasePages`: each step calls the
service registered for its kind in `actions.ACTIONS`, the support period's steps too), the 公示 list export
(.xlsx / .docx). Thin: the services do the work; every query goes through `visible_to`."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from zugong.core import rules, scope
from zugong.core.casework.timeline import Fact, timeline_rows, timeline_table
from zugong.core.casework.views import CasePages
from zugong.core.docx import DOCX
from zugong.core.lists import list_page

from .. import actions, notice_export
from .. import applications_services as services
from ..models import Application, CoApplicant, Edition, Objection, ReviewRound, Talent, Tier
from ..steps import STAGES, STEPS, WORKFLOW


# The services' field names that the forms call otherwise.
FORM_FIELDS = {"applied_on": "on", "notice_end": "end", "qualification": "decision", "approval": "decision"}


def _form_names(call):
    """Run a service; its errors on a case column go to the form field that asks for it."""
    try:
        return call()
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") or isinstance(exc, rules.RuleViolation):
            raise
        raise ValidationError({FORM_FIELDS.get(k, k): v for k, v in exc.error_dict.items()}) from exc


class ApplicationPages(CasePages):
    workflow = WORKFLOW
    namespace = "talent"
    title = "人才项目申报"
    related = ("organization", "edition", "edition__program", "tier", "person", "unit", "supervisor")
    opening, open_form, open_title = "apply", "OpenApplicationForm", "登记人才项目申报"
    open_denied = "您没有登记人才项目申报的权限"

    def subject(self, case) -> str:
        return f"{case.person.name}（{case.tier.name}）"

    def initial(self, request, case, definition, record) -> dict:
        initial = super().initial(request, case, definition, record)
        if definition.kind == "qualify" and case.qualification:
            initial["decision"] = case.qualification
        if definition.kind == "approve" and case.approval:
            initial["decision"] = case.approval
        if definition.kind == "public_notice" and case.notice_end:
            initial["end"] = case.notice_end
        if definition.kind == "termination":
            initial["reason"] = case.termination_reason
        return initial

    def open(self, user, form):
        return _form_names(lambda: services.open_application(user, record=form.record(), **form.service_values()))

    def opened_message(self, form) -> str:
        return f"已登记{form.cleaned_data['person'].name}的申报"

    def perform(self, user, case, kind: str, form):
        action = actions.ACTIONS.get(kind)
        if action is None:
            raise Http404
        return _form_names(lambda: action(user, case, form.record(), form.cleaned_data))

    def extra_context(self, request, case, definition, form) -> dict:
        return {"precheck": case.precheck if definition.kind == "qualify" else None}


PAGES = ApplicationPages()
PAGES.template = "talent/applications/step_form.html"
create, step, add_document, document = PAGES.views()

# The buttons over the application page, in the order of the chain and the support period.
BUTTONS = ("recommend", "qualify", "approve", "public_notice", "objection", "recognize", "allowance",
           "periodic_review", "renew", "exit", "termination")


@login_required
def application_list(request):
    from ..tables.applications import ApplicationFilterSet, ApplicationTable

    qs = Application.objects.visible_to(request.user).select_related("person", "edition", "tier", "organization")
    editions = Edition.objects.visible_to(request.user).order_by("-year")[:20]
    return list_page(request, queryset=qs, filterset_class=ApplicationFilterSet, table_class=ApplicationTable,
                     template="talent/applications/list.html", title="人才项目申报", export_name="人才项目申报",
                     extra={"can_change": bool(scope.scope_paths(request.user, "change")), "editions": editions})


def review_published(user, case) -> bool:
    """Whether the application's review score may be shown: a round of its edition (its tier or all) is
    published and the score recorded."""
    if case.review_score is None:
        return False
    return ReviewRound.objects.visible_to(user).filter(
        Q(tier__isnull=True) | Q(tier=case.tier_id), edition=case.edition_id,
        status=ReviewRound.Status.PUBLISHED).exists()


@login_required
def detail(request, pk):
    case = PAGES.get_case(request, pk)
    records = PAGES.records(request, case)
    objections = list(Objection.objects.visible_to(request.user).filter(application=case))
    co_applicants = list(CoApplicant.objects.visible_to(request.user).filter(application=case))

    def facts(definition) -> list[Fact]:
        if definition.kind == "objection":
            return [Fact(f"{o.received_on:%m-%d}收到", f"{o.content[:60]}；{o.get_outcome_display()}") for o in objections]
        if definition.kind == "qualify" and case.qualification:
            return [Fact("结论", case.get_qualification_display())]
        if definition.kind == "approve" and case.approval:
            return [Fact("结论", case.get_approval_display())]
        if definition.kind == "public_notice" and case.notice_end:
            return [Fact("公示期", f"{case.notice_start:%Y-%m-%d} 至 {case.notice_end:%Y-%m-%d}")]
        return []

    rows = timeline_rows(WORKFLOW, case, records, STEPS, lambda d: STAGES.get(d.stage, ""), facts)
    context = PAGES.page_context(request, case, timeline_table(rows, stages=STAGES, first_header="阶段"))
    done = {r.kind for r in records}
    # the steps still to record (a step already recorded is corrected from its row of the timeline): the next
    # step is the first button
    buttons = [WORKFLOW.step(k) for k in BUTTONS
               if k in WORKFLOW.by_kind and k in actions.ACTIONS and WORKFLOW.can_record(case, WORKFLOW.step(k))
               and (WORKFLOW.step(k).recurring or k not in done)]
    talent = Talent.objects.visible_to(request.user).filter(application=case).first()
    context |= {"application": case, "objections": objections, "co_applicants": co_applicants,
                "published": review_published(request.user, case), "buttons": buttons, "talent": talent}
    return render(request, "talent/applications/detail.html", context)


@login_required
def notice_export_view(request):
    """The 公示 list of an edition (?edition=, optional ?tier=) as .xlsx (?format=xlsx, the default) or a .docx
    公示 notice (?format=docx; ?contact= the contact line)."""
    edition = get_object_or_404(Edition.objects.visible_to(request.user).select_related("program"),
                                pk=request.GET.get("edition") or 0)
    tier = None
    if request.GET.get("tier"):
        tier = get_object_or_404(Tier.objects.visible_to(request.user).filter(edition=edition), pk=request.GET["tier"])
    qs = Application.objects.visible_to(request.user).filter(edition=edition)
    if tier is not None:
        qs = qs.filter(tier=tier)
    rows, apps = notice_export.notice_rows(qs)
    name = f"{edition.title}{tier.name if tier else ''}公示名单"
    if request.GET.get("format") == "docx":
        content = notice_export.notice_docx(edition, tier, rows, apps, request.GET.get("contact", "").strip()[:60])
        response = HttpResponse(content, content_type=DOCX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + '.docx')}"
        return response
    from zugong.core import exports

    return exports.recorded(request, name, notice_export.xlsx(edition, tier, rows), rows=len(rows),
                            filters=f"批次：{edition.title}" + (f"；层次：{tier.name}" if tier else ""))


urlpatterns = [
    path("applications/", application_list, name="list"),
    path("applications/new/", create, name="create"),
    path("applications/notice-export/", notice_export_view, name="notice_export"),
    path("applications/<int:pk>/", detail, name="detail"),
    path("applications/<int:pk>/step/", step, name="step"),
    path("applications/steps/<int:pk>/documents/", add_document, name="add_document"),
    path("applications/documents/<int:pk>/", document, name="document"),
]
