"""REST API of party organizations: list, detail, create under a parent, edit, move (PATCH of `parent`).

Writes go through `zugong.orgs.services` (authorization, validation, audit); reading and writing are scoped
(`ScopedViewSetMixin`): an organization outside the user's subtrees answers 404.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from zugong.core.api import MappedOrderingFilter, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.core.refdata import SECTORS

from .fields import OrganizationCodeField, resolve_org_code

from . import services
from .models import Organization

# ---------------------------------------------------------------- serializers


def parent_path(org: Organization) -> str | None:
    return org.path[: -Organization.steplen] if org.depth and org.depth > 1 else None


def parent_codes(user, orgs) -> dict[str, str]:
    """Codes of the parents of `orgs` that the user may see, keyed by path: one query."""
    paths = {p for p in map(parent_path, orgs) if p}
    if not paths:
        return {}
    return dict(Organization.objects.visible_to(user, "view").filter(path__in=paths).values_list("path", "code"))


class ParentCodeField(OrganizationCodeField):
    """The parent organization: shown as its code, given as a code the user may see."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, value):
        return self.parent.parent_code_of(value)


class OrganizationListSerializer(serializers.ListSerializer):
    """Looks the parents' codes of a whole page up in one query."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.child._parent_codes = parent_codes(self.context["request"].user, items)
        return [self.child.to_representation(item) for item in items]


class OrganizationSerializer(serializers.ModelSerializer):
    code = serializers.CharField(
        label="组织代码", max_length=32, help_text="组织代码，全平台唯一；也是本接口中引用组织（上级、所在组织）的方式"
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label="类别名称")
    sector_display = serializers.CharField(source="get_sector_display", read_only=True, label="领域名称")
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    parent = ParentCodeField(
        label="上级组织",
        required=False,
        allow_null=True,
        help_text=(
            "上级组织的组织代码（不是 id）。新建时必填，须是您有“组织管理”权限的组织；修改时填写新的上级即调整隶属关系"
            "（连同全部下级组织和人员）。读取时：根组织或上级不在您管辖范围内时为 null。"
        ),
    )
    depth = serializers.IntegerField(read_only=True, label="层级", help_text="在组织树中的层级，根组织为 1")
    people_count = serializers.IntegerField(
        source="direct_people", read_only=True, label="直属人数", help_text="直接隶属于本组织的人数（不含下级组织）"
    )

    class Meta:
        model = Organization
        list_serializer_class = OrganizationListSerializer
        fields = [
            "id", "name", "short_name", "code", "kind", "kind_display", "is_joint", "is_temporary", "sector",
            "sector_display", "parent", "depth", "division_code", "founded_on", "term_started_on", "term_years",
            "term_ends_on", "status", "status_display", "people_count",
        ]
        read_only_fields = ["id", "term_ends_on", "status"]
        extra_kwargs = {
            "id": {"label": "编号", "help_text": "记录编号，用于 /api/orgs/{id}/"},
            "name": {"help_text": "组织全称"},
            "short_name": {"help_text": "简称（可空）"},
            "kind": {"help_text": "类别代码"},
            "sector": {"help_text": "所在领域代码（可空）"},
            "division_code": {"help_text": "行政区划代码（可空）"},
            "founded_on": {"help_text": "成立日期，YYYY-MM-DD"},
            "term_started_on": {"help_text": "本届任期开始日期，YYYY-MM-DD"},
            "term_years": {
                "min_value": 1,
                "max_value": 10,
                "help_text": "任期年数；不填时按类别和领域取规定年限（党委、村和社区5年，其他3年）",
            },
            "term_ends_on": {"help_text": "本届任期届满日期（由开始日期和任期年数计算）"},
            "status": {"help_text": "状态；撤销、合并在平台页面中办理"},
        }

    # -- reading

    def parent_code_of(self, org: Organization) -> str | None:
        path = parent_path(org)
        if path is None:
            return None
        codes = getattr(self, "_parent_codes", None)  # set for a whole page by the list serializer
        if codes is None:
            codes = parent_codes(self.context["request"].user, [org])
        return codes.get(path)

    # -- validating

    @property
    def user(self):
        return self.context["request"].user

    def validate_code(self, value):
        value = value.strip()
        message = services.code_clash(self.user, value, self.instance.pk if self.instance is not None else None)
        if message:
            raise serializers.ValidationError(message)
        return value

    def validate(self, attrs):
        if "parent" in attrs and attrs["parent"] is None:
            raise serializers.ValidationError({"parent": ["不能通过接口设立或改为根组织，请填写上级组织代码"]})
        if self.instance is None and "parent" not in attrs:
            raise serializers.ValidationError({"parent": ["请填写上级组织代码"]})
        return attrs

    # -- writing (through the services: they check rights, validate and audit)

    @staticmethod
    def _on_parent(exc: DjangoValidationError) -> DjangoValidationError:
        """A service's message about the parent (no field named) is reported on `parent`."""
        return exc if hasattr(exc, "error_dict") else DjangoValidationError({"parent": exc.messages})

    def _code_taken(self, code: str):
        # The same code saved concurrently by someone else (the unique index caught it).
        return serializers.ValidationError({"code": [f"组织代码 {code} 已被使用"]})

    def create(self, validated_data):
        parent = validated_data.pop("parent")
        try:
            return services.create(self.user, parent, **validated_data)
        except DjangoValidationError as exc:
            raise self._on_parent(exc) from exc
        except IntegrityError:
            raise self._code_taken(validated_data.get("code", "")) from None

    def update(self, instance, validated_data):
        new_parent = validated_data.pop("parent", None)
        if validated_data:
            try:
                instance = services.update(self.user, instance, **validated_data)
            except IntegrityError:
                raise self._code_taken(validated_data.get("code", instance.code)) from None
        if new_parent is not None and new_parent.path != parent_path(instance):
            try:
                instance = services.move(self.user, instance, new_parent)
            except DjangoValidationError as exc:
                raise self._on_parent(exc) from exc
        return instance


class OrganizationDetailSerializer(OrganizationSerializer):
    subtree_people_count = serializers.SerializerMethodField(
        label="本级及下级人数", help_text="本组织及其全部下级组织的人数"
    )
    subtree_branch_count = serializers.SerializerMethodField(
        label="党支部数", help_text="本组织及其全部下级中未撤销的党支部数"
    )

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "subtree_people_count", "subtree_branch_count"]

    def _counts(self, org) -> dict:
        cached = getattr(org, "_api_counts", None)
        if cached is None:
            cached = org._api_counts = services.node_counts(org)  # one aggregate over the subtree
        return cached

    def get_subtree_people_count(self, org) -> int:
        return self._counts(org)["people"] or 0

    def get_subtree_branch_count(self, org) -> int:
        return self._counts(org)["branches"] or 0


# ---------------------------------------------------------------- filters


class OrganizationApiFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="类别", choices=Organization.Kind.choices)
    sector = django_filters.ChoiceFilter(label="领域", choices=SECTORS)
    status = django_filters.ChoiceFilter(label="状态", choices=Organization.Status.choices)
    parent = django_filters.CharFilter(
        label="上级组织代码：只列该组织的直接下级", method="filter_parent"
    )
    within = django_filters.CharFilter(
        label="组织代码：列出该组织及其全部下级", method="filter_within"
    )
    search = django_filters.CharFilter(label="名称包含该文字，或组织代码以其开头", method="filter_search")

    class Meta:
        model = Organization
        fields = []

    def filter_parent(self, qs, name, value):
        org = resolve_org_code(self.request, value, name)
        return qs.subtree(org.path).filter(depth=org.depth + 1)

    def filter_within(self, qs, name, value):
        org = resolve_org_code(self.request, value, name)
        return qs.subtree(org.path)

    def filter_search(self, qs, name, value):
        from django.db.models import Q

        value = value.strip()
        return qs.filter(Q(name__contains=value) | Q(code__startswith=value)) if value else qs


# ---------------------------------------------------------------- viewset


@extend_schema(tags=["党组织"])
@extend_schema_view(
    list=extend_schema(
        summary="党组织列表",
        description=(
            "列出您管辖范围内的党组织（默认按组织树顺序）。可按类别、领域、状态筛选，"
            "按上级（`parent`，仅直接下级）或组织子树（`within`）限定，或按名称、代码搜索。"
            "`people_count` 为直属人数；下级合计人数见详情。"
        ),
    ),
    retrieve=extend_schema(
        summary="党组织详情",
        description="一个党组织的详情，含本级及下级合计人数和党支部数。管辖范围以外的组织返回 404。",
        responses={200: OrganizationDetailSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")},
    ),
    create=extend_schema(
        summary="新建党组织",
        description=(
            "在上级组织（`parent`，填组织代码）下新建党组织；需要对上级组织有“组织管理”权限"
            "（组织部管理员或党组织管理员）。操作记入操作日志。"
        ),
        request=OrganizationSerializer,
        responses={
            201: OrganizationDetailSerializer,
            400: OpenApiResponse(description="输入有误，按字段给出中文说明"),
            403: OpenApiResponse(description="无权在该上级组织下新建"),
        },
    ),
    partial_update=extend_schema(
        summary="修改党组织",
        description=(
            "修改党组织的属性（更名、代码、类别、任期等）；填写 `parent` 即调整隶属关系（连同下级组织和人员）。"
            "需要对该组织（调整时还有新上级）有“组织管理”权限；每次修改连同字段变化记入操作日志。"
        ),
        request=OrganizationSerializer,
        responses={
            200: OrganizationDetailSerializer,
            400: OpenApiResponse(description="输入有误，按字段给出中文说明"),
            403: OpenApiResponse(description="只有查看权限，或无权调整到该上级"),
            404: OpenApiResponse(description="不存在或不在管辖范围内"),
        },
    ),
)
class OrganizationViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Party organizations in the user's subtrees."""

    queryset = Organization.objects.all()
    scope_write_action = "manage"
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = OrganizationApiFilterSet
    ordering_map = {
        "tree": ("path",),
        "code": ("code",),
        "name": ("name", "path"),
        "depth": ("depth", "path"),
        "founded_on": ("founded_on", "path"),
        "term_ends_on": ("term_ends_on", "path"),
        "id": ("id",),
    }
    ordering_labels = {
        "tree": "组织树顺序", "code": "组织代码", "name": "名称", "depth": "层级", "founded_on": "成立日期",
        "term_ends_on": "任期届满日期", "id": "编号（新建先后）",
    }
    ordering = ["tree"]

    def get_serializer_class(self):
        return OrganizationSerializer if self.action == "list" else OrganizationDetailSerializer
