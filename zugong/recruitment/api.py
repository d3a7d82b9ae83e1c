"""REST API of recruitment: /api/recruitment/cases/ (read-only), scoped like every resource.

Filters: `organization` (a code: that organization's subtree), `stage` (1–5), `status`, `person` (an ID
number), `target_group`. Registered on the API router by `router_register(router)`.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from zugong.core import pii
from zugong.core.api import MaskedField, MappedOrderingFilter, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.core.casework.api import case_filterset
from zugong.orgs.fields import SubtreeFilter
from zugong.people import idnumber

from . import services
from .models import Case, CaseContact, TargetGroup
from .steps import WORKFLOW

DATES = [
    "applied_on", "talked_on", "activist_on", "candidate_publicity_start", "candidate_publicity_end",
    "candidate_on", "review_concluded_on", "review_passed", "training_start", "training_end", "training_hours",
    "committee_review_on", "prereview_on", "admission_publicity_start", "admission_publicity_end",
    "branch_meeting_on", "expected_voters", "present_voters", "yes_votes", "no_votes", "abstain_votes",
    "approved_on", "approval_special_reason", "oath_on", "probation_extended_on", "probation_extended_months",
    "conversion_applied_on", "conversion_meeting_on", "conversion_expected_voters", "conversion_present_voters",
    "conversion_yes_votes", "conversion_no_votes", "conversion_abstain_votes", "conversion_approved_on",
    "converted_on", "terminated_on", "termination_reason",
]


class ContactSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True, label="姓名")
    id_number = MaskedField(mask=pii.mask_id, source="person.id_number", read_only=True, label="公民身份号码（脱敏）")

    class Meta:
        model = CaseContact
        fields = ["role", "position", "name", "id_number", "designated_on", "discipline_until"]


class CaseSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")
    person_id_number = MaskedField(mask=pii.mask_id, source="person.id_number", read_only=True, label="公民身份号码（脱敏）")
    organization = serializers.CharField(source="organization.code", read_only=True, label="所在党支部代码")
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="所在党支部")
    stage_display = serializers.CharField(source="get_stage_display", read_only=True, label="阶段名称")
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    target_group_display = serializers.CharField(source="get_target_group_display", read_only=True,
                                                 label="重点群体名称")
    contacts = ContactSerializer(many=True, read_only=True, label="培养联系人和入党介绍人")
    # The JSON names integrations read, kept when the model fields became *_public_notice_* (公示).
    candidate_publicity_start = serializers.DateField(source="candidate_public_notice_start", read_only=True,
                                                      label="发展对象公示开始日期")
    candidate_publicity_end = serializers.DateField(source="candidate_public_notice_end", read_only=True,
                                                    label="发展对象公示结束日期")
    admission_publicity_start = serializers.DateField(source="admission_public_notice_start", read_only=True,
                                                      label="拟接收预备党员公示开始日期")
    admission_publicity_end = serializers.DateField(source="admission_public_notice_end", read_only=True,
                                                    label="拟接收预备党员公示结束日期")

    class Meta:
        model = Case
        fields = ["id", "person", "person_name", "person_id_number", "organization", "organization_name",
                  "target_group", "target_group_display", "stage", "stage_display", "status", "status_display",
                  *DATES, "contacts"]
        read_only_fields = fields


class CaseApiFilterSet(case_filterset(WORKFLOW, organization=SubtreeFilter, stage_label="阶段（1–5）")):
    target_group = django_filters.ChoiceFilter(label="重点群体", choices=TargetGroup.choices)
    person = django_filters.CharFilter(label="公民身份号码（18位，旧版15位自动升位）", method="filter_person")

    class Meta:
        model = Case
        fields = []

    def filter_person(self, qs, name, value):
        try:
            number = idnumber.parse_id_number(value).number
        except idnumber.IdNumberError as exc:
            raise ValidationError({name: [str(exc)]}) from None
        return qs.filter(person__id_number=number)


@extend_schema(tags=["发展党员"])
@extend_schema_view(
    list=extend_schema(
        summary="发展党员纪实列表",
        description=("列出您管辖范围内的发展党员纪实（每人一条，含各步骤日期、表决情况、培养联系人和入党介绍人）。"
                     "可按组织子树（`organization`）、阶段（`stage`）、状态、重点群体和公民身份号码（`person`）筛选。"),
    ),
    retrieve=extend_schema(
        summary="发展党员纪实详情",
        responses={200: CaseSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")},
    ),
)
class CaseViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Recruitment cases in the user's subtrees (read-only: steps are recorded through the pages)."""

    queryset = Case.objects.select_related("person", "organization").prefetch_related(services.CONTACTS)
    serializer_class = CaseSerializer
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = CaseApiFilterSet
    ordering_map = {"org": ("org_path", "applied_on", "id"), "applied_on": ("applied_on", "id"),
                    "stage": ("stage", "id"), "id": ("id",)}
    ordering_labels = {"org": "按所在组织，再按申请日期", "applied_on": "递交入党申请书日期", "stage": "阶段",
                       "id": "编号"}
    ordering = ["org"]


def router_register(router) -> None:
    """Add the recruitment resources to the API router (namespace "api"): api:recruitment-case-list, …"""
    router.register("recruitment/cases", CaseViewSet, basename="recruitment-case")
