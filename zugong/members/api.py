"""REST API of party members: list (subtree, status, ID number filters; order), detail, and PATCH of the dues
and classification fields.

Writes go through `zugong.members.services.update_member` (rights on the member's branch, validation); saves
are audited by the model. Everything is scoped (`ScopedViewSetMixin`): a member outside the user's subtrees
answers 404. Members whose relationship was transferred out of the province are not listed.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets

from zugong.core import pii
from zugong.core.api import MaskedField, MappedOrderingFilter, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import OrganizationCodeField, resolve_org_code
from zugong.people import idnumber

from . import dues, services
from .models import Membership

# ---------------------------------------------------------------- serializer


class MembershipSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(
        source="person_id", read_only=True, label="人员编号", help_text="人员记录编号，用于 /api/people/{id}/"
    )
    name = serializers.CharField(source="person.name", read_only=True, label="姓名")
    id_number = MaskedField(mask=pii.mask_id, source="person.id_number", read_only=True, label="公民身份号码（脱敏）")
    sex_display = serializers.CharField(source="person.get_sex_display", read_only=True, label="性别")
    organization = OrganizationCodeField(read_only=True, label="所在党支部", help_text="所在党支部的组织代码")
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, label="所在党支部名称"
    )
    party_group = serializers.CharField(
        source="party_group.code",
        read_only=True,
        allow_null=True,
        label="所在党小组",
        help_text="所在党小组的组织代码；不在党小组时为 null",
    )
    # A plain string (codes in the help text): an enum named "status" would collide with the organizations'.
    status = serializers.CharField(
        read_only=True,
        label="党籍状态",
        help_text="党籍状态代码：probationary 预备党员、full 正式党员、stopped 停止党籍、left 已出党",
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="党籍状态名称")
    category_display = serializers.CharField(
        source="get_category_display", read_only=True, label="党员类别名称"
    )
    effective_dues_kind = serializers.CharField(
        read_only=True, label="适用的党费计算方式", help_text="`dues_kind` 为空时按党员类别确定"
    )
    monthly_dues = serializers.SerializerMethodField(
        label="月应交党费（元）",
        help_text="按党费规定（2008年）一、第二条、第五条、第六条计算；缺少计算基数时为 null",
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "person",
            "name",
            "id_number",
            "sex_display",
            "organization",
            "organization_name",
            "party_group",
            "status",
            "status_display",
            "joined_on",
            "converted_on",
            "category",
            "category_display",
            "classification",
            "occupation",
            "committee_post",
            "dues_kind",
            "effective_dues_kind",
            "dues_base",
            "monthly_dues",
        ]
        read_only_fields = ["id", "status", "joined_on", "converted_on", "committee_post"]
        extra_kwargs = {
            "id": {"label": "编号", "help_text": "党员记录编号，用于 /api/members/{id}/"},
            "joined_on": {"help_text": "入党时间（接收为预备党员的日期）"},
            "converted_on": {"help_text": "转正时间"},
            "category": {"help_text": "党员类别代码"},
            "classification": {"help_text": "分类管理类别"},
            "occupation": {"help_text": "工作岗位"},
            "committee_post": {"help_text": "支部委员会职务代码（可空）"},
            "dues_kind": {"help_text": "党费计算方式代码；空字符串表示按党员类别确定"},
            "dues_base": {
                "help_text": "党费计算基数（税后月收入或离退休费，元/月）；可为 null",
                "min_value": 0,
            },
        }

    def get_monthly_dues(self, member) -> str | None:
        amount = dues.dues_of(member)
        return None if amount is None else str(amount)

    def update(self, instance, validated_data):
        return services.update_member(self.context["request"].user, instance, **validated_data)


# ---------------------------------------------------------------- filters


class MembershipApiFilterSet(django_filters.FilterSet):
    organization = django_filters.CharFilter(
        label="组织代码：该组织及其全部下级组织的党员", method="filter_organization"
    )
    status = django_filters.ChoiceFilter(label="党籍状态", choices=Membership.Status.choices)
    category = django_filters.ChoiceFilter(label="党员类别", choices=Membership.Category.choices)
    person = django_filters.CharFilter(label="公民身份号码（18位，或旧版15位）", method="filter_person")

    class Meta:
        model = Membership
        fields = []

    def filter_organization(self, qs, name, value):
        org = resolve_org_code(self.request, value, name)
        return qs.filter(org_path__subtree=org.path)

    def filter_person(self, qs, name, value):
        try:
            number = idnumber.parse_id_number(value).number
        except idnumber.IdNumberError as exc:
            raise exceptions.ValidationError({name: [str(exc)]}) from None
        return qs.filter(person__id_number=number)


# ---------------------------------------------------------------- viewset


@extend_schema(tags=["党员"])
@extend_schema_view(
    list=extend_schema(
        summary="党员列表",
        description=(
            "列出您管辖范围内组织关系在本省的党员（已转出省外的不列出），默认按所在组织、姓氏笔画排序。"
            "可按组织子树（`organization`，组织代码）、党籍状态（`status=probationary|full`）、党员类别、"
            "公民身份号码（`person`）筛选。"
        ),
    ),
    retrieve=extend_schema(
        summary="党员详情",
        description="一名党员的党籍信息。管辖范围以外的党员返回 404。",
        responses={200: MembershipSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")},
    ),
    partial_update=extend_schema(
        summary="修改党员类别和党费信息",
        description=(
            "可修改 `category`、`classification`、`occupation`、`dues_kind`、`dues_base`；需要对所在党支部有"
            "“修改”权限。所在党支部的变更须办理组织关系转接。每次修改连同字段变化记入操作日志。"
        ),
        responses={
            200: MembershipSerializer,
            400: OpenApiResponse(description="输入有误，按字段给出中文说明"),
            403: OpenApiResponse(description="只有查看权限"),
            404: OpenApiResponse(description="不存在或不在管辖范围内"),
        },
    ),
)
class MembershipViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Party members in the user's subtrees."""

    queryset = Membership.objects.present().select_related("person", "organization", "party_group")
    scope_write_action = "change"
    http_method_names = ["get", "patch", "head", "options"]
    serializer_class = MembershipSerializer
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = MembershipApiFilterSet
    ordering_map = {
        "org": ("org_path", "person__stroke_key", "id"),
        "stroke": ("person__stroke_key", "id"),
        "joined_on": ("joined_on", "id"),
        "id": ("id",),
    }
    ordering_labels = {
        "org": "按所在组织，组织内按姓氏笔画",
        "stroke": "姓氏笔画",
        "joined_on": "入党时间",
        "id": "编号（登记先后）",
    }
    ordering = ["org"]


def router_register(router) -> None:
    """Mount the members API on the project router: /api/members/ (names api:membership-list, -detail)."""
    router.register("members", MembershipViewSet, basename="membership")
