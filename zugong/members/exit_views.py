"""Pages of 出党、死亡 and 党内表彰 (thin: `members.exits` acts): the 出党/死亡登记 action on a member's page, the
list of exits (scoped, by year and kind, .xlsx), the list of awards and the forms that record them."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from zugong.core import scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.orgs.fields import OrganizationPicker

from . import exits
from .models import Award, Exit
from .views import get_member

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices):
    return [("", "（无）"), *choices]


class ExitForm(forms.Form):
    kind = forms.ChoiceField(label="出党方式", choices=Exit.Kind.choices)
    decided_on = forms.DateField(label="出党日期", widget=DATE, help_text="决定或批准的日期；死亡的，为死亡日期")
    organization = OrganizationPicker(label="办理的党组织", action="view", required=False,
                                      help_text="作出或报批出党决定的党组织；不选则为该党员所在党支部")
    approved_by = forms.CharField(label="批准机关", max_length=100, required=False)
    document_no = forms.CharField(label="文号", max_length=60, required=False)
    misconduct = forms.ChoiceField(label="违纪行为", choices=_blank(Exit.MISCONDUCT), required=False)
    manifestation = forms.ChoiceField(label="具体表现", choices=_blank(Exit.MANIFESTATIONS), required=False)
    rank_level = forms.ChoiceField(label="出党时职级", choices=_blank(Exit.RANKS), required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)


class AwardForm(forms.Form):
    kind = forms.ChoiceField(label="表彰类别", choices=Award.Kind.choices)
    level = forms.ChoiceField(label="表彰层级", choices=Award.Level.choices)
    awarded_on = forms.DateField(label="表彰日期", widget=DATE)
    conferred_by = forms.CharField(label="表彰机关", max_length=100, required=False)
    document_no = forms.CharField(label="文号", max_length=60, required=False)
    posthumous = forms.BooleanField(label="追授", required=False)


class OrgAwardForm(AwardForm):
    organization = OrganizationPicker(label="受表彰的党组织", action="change")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(Award.Kind.ORGANIZATION, Award.Kind.ORGANIZATION.label)]
        self.fields["organization"].bind(user)


class MemberAwardForm(AwardForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in Award.Kind.choices if c[0] != Award.Kind.ORGANIZATION]


def _form_page(request, form, title, obj=None):
    return render(request, "core/form.html", {"form": form, "title": title, "object": obj})


# ---------------------------------------------------------------- a member's exit and award


@login_required
def exit_add(request, pk):
    member = get_member(request, pk, "change")
    form = ExitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            exits.record_exit(request.user, member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记：{member.person.name} {dict(Exit.Kind.choices)[form.cleaned_data['kind']]}")
            return redirect(reverse("members:detail", args=[member.pk]))
    return _form_page(request, form, f"出党/死亡登记：{member.person.name}", member)


@login_required
def member_award_add(request, pk):
    member = get_member(request, pk, "change")
    form = MemberAwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exits.record_award(request.user, membership=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记表彰")
            return redirect(reverse("members:awards"))
    return _form_page(request, form, f"登记党内表彰：{member.person.name}", member)


@login_required
def award_add(request):
    form = OrgAwardForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            exits.record_award(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记表彰")
            return redirect(reverse("members:awards"))
    return _form_page(request, form, "登记先进基层党组织表彰")


# ---------------------------------------------------------------- the lists


class ExitFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度", field_name="decided_on__year")
    kind = django_filters.ChoiceFilter(label="出党方式", choices=Exit.Kind.choices, empty_label="全部")
    q = django_filters.CharFilter(label="姓名", field_name="membership__person__name", lookup_expr="contains")

    class Meta:
        model = Exit
        fields = []


class ExitTable(tables.Table):
    name = tables.Column("姓名", accessor="membership__person__name",
                         linkify=("members:detail", {"pk": tables.A("membership_id")}))
    branch = tables.Column("所在党支部", accessor="membership__organization__name")
    kind = tables.Column("出党方式")
    decided_on = tables.DateColumn(format="Y-m-d", verbose_name="出党日期")
    organization = tables.Column("办理的党组织", accessor="organization__name")
    approved_by = tables.Column("批准机关")
    document_no = tables.Column("文号")
    misconduct = tables.Column("违纪行为")
    manifestation = tables.Column("具体表现")
    rank_level = tables.Column("出党时职级")

    class Meta:
        model = Exit
        fields = ("name", "branch", "kind", "decided_on", "organization", "approved_by", "document_no",
                  "misconduct", "manifestation", "rank_level")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "exits"}


class AwardFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度", field_name="awarded_on__year")
    kind = django_filters.ChoiceFilter(label="表彰类别", choices=Award.Kind.choices, empty_label="全部")
    level = django_filters.ChoiceFilter(label="表彰层级", choices=Award.Level.choices, empty_label="全部")

    class Meta:
        model = Award
        fields = []


class AwardTable(tables.Table):
    kind = tables.Column("表彰类别")
    level = tables.Column("表彰层级")
    name = tables.Column("党员", accessor="membership__person__name", default="—")
    organization = tables.Column("党组织", accessor="organization__name")
    awarded_on = tables.DateColumn(format="Y-m-d", verbose_name="表彰日期")
    conferred_by = tables.Column("表彰机关")
    document_no = tables.Column("文号")

    class Meta:
        model = Award
        fields = ("kind", "level", "name", "organization", "awarded_on", "conferred_by", "document_no")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "awards"}


@login_required
def exit_list(request):
    qs = Exit.objects.visible_to(request.user).select_related(
        "membership__person", "membership__organization", "organization")
    return list_page(request, queryset=qs, filterset_class=ExitFilterSet, table_class=ExitTable,
                     template="members/exits.html", title="出党和死亡", export_name="出党和死亡",
                     extra={"section": "exits"})


@login_required
def award_list(request):
    qs = Award.objects.visible_to(request.user).select_related("membership__person", "organization")
    return list_page(request, queryset=qs, filterset_class=AwardFilterSet, table_class=AwardTable,
                     template="members/awards.html", title="党内表彰", export_name="党内表彰",
                     extra={"section": "awards", "can_change": bool(scope.scope_paths(request.user, "change"))})
