"""Talent pages: programmes — the list (`talent:programs`), a programme (`talent:program`, its settings and
editions), a new programme (`talent:program_new`), an edition (`talent:edition`: tiers, conditions with their
source, unit quotas, allowance instalments, rubric), its settings, publishing and closing it, and the row forms.
Thin: the department admins of the issuer change things through `programmes_services`; every lookup goes
through `visible_to` (a sibling city's programme is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import scope
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page

from .. import programmes_services as services
from ..forms.programmes import (ConditionForm, CriterionForm, EditionForm, InstalmentForm, ProgramForm, TierForm,
                                UnitQuotaForm)
from ..models import (AllowanceInstalment, Application, Condition, Criterion, Edition, Program, Tier,
                      UnitQuota)
from ..tables.programmes import ProgramFilterSet, ProgramTable

DENIED = "只有主办单位或其上级的组织部门管理员可以修改人才项目"
ROW_PAGE = "talent/programmes/form.html"


def _may_create(user) -> bool:
    return bool(scope.scope_paths(user, "admin"))


@login_required
def program_list(request):
    latest = services.latest_edition_subquery()
    qs = (Program.objects.visible_to(request.user).select_related("organization")
          .annotate(n_editions=Count("editions"), latest_pk=Subquery(latest.values("pk")[:1]),
                    latest_title=Subquery(latest.values("title")[:1])).order_by("code"))
    return list_page(request, queryset=qs, filterset_class=ProgramFilterSet, table_class=ProgramTable,
                     template="talent/programmes/list.html", title="人才项目", export_name="人才项目",
                     extra={"may_create": _may_create(request.user)})


@login_required
def program_new(request):
    if not _may_create(request.user):
        raise PermissionDenied("只有组织部门管理员可以设立人才项目")
    form = ProgramForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.save_program(request.user, form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已设立人才项目“{program}”，请新建批次并设置层次、条件和评审指标")
            return redirect("talent:program", pk=program.pk)
    return render(request, ROW_PAGE, {"form": form, "title": "设立人才项目", "back": reverse("talent:programs"),
                                      "program": None, "edition": None, "deletable": False})


@login_required
def program_detail(request, pk):
    program = get_object_or_404(Program.objects.visible_to(request.user).select_related("organization"), pk=pk)
    may_manage = services.can_manage(request.user, program)
    form = None
    if may_manage:
        form = ProgramForm(request.POST or None, instance=program, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                services.save_program(request.user, form.instance)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已保存“{program}”")
                return redirect("talent:program", pk=program.pk)
    elif request.method == "POST":
        raise PermissionDenied(DENIED)
    editions = (Edition.objects.visible_to(request.user).filter(program=program)
                .annotate(n_applications=_visible_applications(request.user, "edition")).order_by("-year"))
    return render(request, "talent/programmes/program.html", {
        "program": program, "form": form, "editions": editions, "may_manage": may_manage})


@login_required
def edition_new(request, pk):
    program = get_object_or_404(Program.objects.visible_to(request.user).select_related("organization"), pk=pk)
    latest = services.latest_edition(program)
    year = (latest.year + 1) if latest else timezone.localdate().year
    edition = Edition(program=program, year=year, title=f"{year}年度{program.name}")
    return row_page(request, edition, EditionForm, save=services.save_edition, saved="已新建批次（未发布）",
                    done=lambda saved: reverse("talent:edition", args=[saved.pk]), title=f"新建批次：{program}",
                    denied=DENIED, page=ROW_PAGE, context={"program": program, "edition": None, "deletable": False,
                                                           "back": reverse("talent:program", args=[program.pk])})


def _visible_applications(user, field: str):
    """The number of applications of the row (an edition, a tier) that the user sees: the same figure as the
    applications list filtered by it (a programme issued above is seen by a city with its own applications)."""
    from django.db.models.functions import Coalesce

    counts = (Application.objects.visible_to(user).filter(**{field: OuterRef("pk")}).order_by()
              .values(field).annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counts), 0)


def _edition(request, pk) -> Edition:
    return get_object_or_404(Edition.objects.visible_to(request.user).select_related("program__organization"),
                             pk=pk)


@login_required
def edition_detail(request, pk):
    edition = _edition(request, pk)
    user = request.user
    tiers = list(Tier.objects.visible_to(user).filter(edition=edition).annotate(
        n_applications=_visible_applications(user, "tier")).order_by("order", "code"))
    instalments: dict[int, list] = {}
    for i in AllowanceInstalment.objects.visible_to(user).filter(tier__edition=edition).order_by("tier", "number"):
        instalments.setdefault(i.tier_id, []).append(i)
    for t in tiers:
        t.instalment_rows = instalments.get(t.pk, [])
        t.instalment_sum = sum(i.amount for i in t.instalment_rows)
    conditions = list(Condition.objects.visible_to(user).filter(edition=edition).select_related("tier")
                      .order_by("order", "pk"))
    for c in conditions:
        c.described = services.describe_params(c.kind, c.params)
    quotas = list(UnitQuota.objects.visible_to(user).filter(edition=edition).select_related("organization", "tier")
                  .order_by("organization__path", "tier__order"))
    criteria = list(Criterion.objects.visible_to(user).filter(edition=edition).select_related("tier")
                    .order_by("order", "pk"))
    n_applications = Application.objects.visible_to(user).filter(edition=edition).count()
    return render(request, "talent/programmes/edition.html", {
        "edition": edition, "program": edition.program, "tiers": tiers, "conditions": conditions,
        "quotas": quotas, "criteria": criteria, "n_applications": n_applications,
        "may_manage": services.can_manage(user, edition), "weight_problems": services.weight_problems(edition),
        "publish_problems": services.edition_problems(edition) if edition.status == Edition.Status.DRAFT else [],
    })


@login_required
def edition_edit(request, pk):
    edition = _edition(request, pk)
    back = reverse("talent:edition", args=[edition.pk])
    return row_page(request, edition, EditionForm, save=services.save_edition, saved="已保存批次设置", done=back,
                    title=f"批次设置：{edition}", denied=DENIED, page=ROW_PAGE,
                    context={"edition": edition, "program": edition.program, "back": back, "deletable": False})


@login_required
@require_POST
def edition_status(request, pk):
    edition = _edition(request, pk)
    status = request.POST.get("status", "")
    try:
        services.set_status(request.user, edition, status)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"批次“{edition}”已{'发布，开始接受申报' if status == 'open' else '改为“' + edition.get_status_display() + '”'}")
    return redirect("talent:edition", pk=edition.pk)


def _row(request, row, form_class, parent: Edition, noun: str, /, **form_kwargs):
    back = reverse("talent:edition", args=[parent.pk])
    title = f"{'修改' if row.pk else '新增'}{noun}" + (f"：{row}" if row.pk else "")
    return row_page(request, row, form_class, save=services.save_row, delete=services.delete_row,
                    saved=f"已保存{noun}", deleted=f"已删除{noun}", done=back, title=title, denied=DENIED,
                    page=ROW_PAGE, context={"edition": parent, "program": parent.program, "back": back,
                                                  "deletable": bool(row.pk)},
                    **form_kwargs)


@login_required
def tier_new(request, pk):
    edition = _edition(request, pk)
    return _row(request, Tier(edition=edition), TierForm, edition, "人才层次")


@login_required
def tier_edit(request, pk):
    tier = get_object_or_404(Tier.objects.visible_to(request.user).select_related("edition"), pk=pk)
    return _row(request, tier, TierForm, tier.edition, "人才层次")


@login_required
def condition_new(request, pk):
    edition = _edition(request, pk)
    return _row(request, Condition(edition=edition, source=edition.program.document), ConditionForm, edition,
                "申报条件", edition=edition)


@login_required
def condition_edit(request, pk):
    row = get_object_or_404(Condition.objects.visible_to(request.user).select_related("edition"), pk=pk)
    return _row(request, row, ConditionForm, row.edition, "申报条件", edition=row.edition)


@login_required
def quota_new(request, pk):
    edition = _edition(request, pk)
    return _row(request, UnitQuota(edition=edition), UnitQuotaForm, edition, "推荐名额", edition=edition,
                user=request.user)


@login_required
def quota_edit(request, pk):
    row = get_object_or_404(UnitQuota.objects.visible_to(request.user).select_related("edition"), pk=pk)
    return _row(request, row, UnitQuotaForm, row.edition, "推荐名额", edition=row.edition, user=request.user)


@login_required
def instalment_new(request, pk):
    tier = get_object_or_404(Tier.objects.visible_to(request.user).select_related("edition"), pk=pk)
    number = services.next_instalment_number(tier)
    return _row(request, AllowanceInstalment(tier=tier, number=number), InstalmentForm, tier.edition,
                f"“{tier}”津贴发放计划")


@login_required
def instalment_edit(request, pk):
    row = get_object_or_404(AllowanceInstalment.objects.visible_to(request.user).select_related("tier__edition"),
                            pk=pk)
    return _row(request, row, InstalmentForm, row.tier.edition, f"“{row.tier}”津贴发放计划")


@login_required
def criterion_new(request, pk):
    edition = _edition(request, pk)
    return _row(request, Criterion(edition=edition), CriterionForm, edition, "评审指标", edition=edition)


@login_required
def criterion_edit(request, pk):
    row = get_object_or_404(Criterion.objects.visible_to(request.user).select_related("edition"), pk=pk)
    return _row(request, row, CriterionForm, row.edition, "评审指标", edition=row.edition)


urlpatterns = [
    path("programs/", program_list, name="programs"),
    path("programs/new/", program_new, name="program_new"),
    path("programs/<int:pk>/", program_detail, name="program"),
    path("programs/<int:pk>/editions/new/", edition_new, name="edition_new"),
    path("editions/<int:pk>/", edition_detail, name="edition"),
    path("editions/<int:pk>/edit/", edition_edit, name="edition_edit"),
    path("editions/<int:pk>/status/", edition_status, name="edition_status"),
    path("editions/<int:pk>/tiers/new/", tier_new, name="tier_new"),
    path("tiers/<int:pk>/edit/", tier_edit, name="tier_edit"),
    path("editions/<int:pk>/conditions/new/", condition_new, name="condition_new"),
    path("conditions/<int:pk>/edit/", condition_edit, name="condition_edit"),
    path("editions/<int:pk>/quotas/new/", quota_new, name="quota_new"),
    path("quotas/<int:pk>/edit/", quota_edit, name="quota_edit"),
    path("tiers/<int:pk>/instalments/new/", instalment_new, name="instalment_new"),
    path("instalments/<int:pk>/edit/", instalment_edit, name="instalment_edit"),
    path("editions/<int:pk>/criteria/new/", criterion_new, name="criterion_new"),
    path("criteria/<int:pk>/edit/", criterion_edit, name="criterion_edit"),
]
