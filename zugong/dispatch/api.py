"""REST API of dispatch: /api/dispatch/dispatches/ and /api/dispatch/rotations/ (read-only), scoped from
either side like the pages. Filters: `organization` (a code: either side in that subtree), `kind`, `status`,
`target_group`."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core import pii, scope
from zugong.core.api import MaskedField, ScopedPermission, ScopedViewSetMixin, required_action
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code


from .models import Dispatch, Program, Rotation, TargetGroup


class DispatchSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")
    person_id_number = MaskedField(mask=pii.mask_id, source="person.id_number", read_only=True, label="公民身份号码（脱敏）")
    program_name = serializers.CharField(source="program.name", read_only=True, label="选派项目")
    program_kind = serializers.CharField(source="program.kind", read_only=True, label="选派类别")
    organization = serializers.CharField(source="organization.code", read_only=True, label="派出单位党组织代码")
    host_org = serializers.CharField(source="host_org.code", read_only=True, default=None,
                                     label="驻在（接收）党组织代码")

    class Meta:
        model = Dispatch
        fields = ["id", "person", "person_name", "person_id_number", "program", "program_name", "program_kind",
                  "target_group", "organization", "sending_unit_name", "original_title", "host_org", "host_name",
                  "host_title", "team", "team_role", "start_on", "end_on", "mentor_name", "document_no", "status",
                  "ended_on", "recall_reason"]
        read_only_fields = fields


class RotationSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")
    organization = serializers.CharField(source="organization.code", read_only=True, label="管理党组织代码")

    class Meta:
        model = Rotation
        fields = ["id", "person", "person_name", "organization", "kind", "reason", "from_level", "from_unit_name",
                  "from_title", "to_level", "to_unit_name", "to_title", "on", "document_no", "planned_end_on",
                  "returned_on", "return_note"]
        read_only_fields = fields


class TwoSidedPermission(ScopedPermission):
    """A record is reachable from either side (the querysets are scoped the same way)."""

    def has_object_permission(self, request, view, obj) -> bool:
        action = required_action(request, view)
        return any(scope.can(request.user, action, p) for p in scope.side_paths(obj))


class OrgFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(label="组织代码：派出方或驻在方在该组织子树内", method="filter_org")

    def filter_org(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)


class DispatchApiFilterSet(OrgFilter):
    kind = django_filters.ChoiceFilter(label="选派类别", field_name="program__kind", choices=Program.Kind.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=Dispatch.Status.choices)
    target_group = django_filters.ChoiceFilter(label="对象类别", choices=TargetGroup.choices)

    class Meta:
        model = Dispatch
        fields = []


class RotationApiFilterSet(OrgFilter):
    kind = django_filters.ChoiceFilter(label="交流类型", choices=Rotation.Kind.choices)

    class Meta:
        model = Rotation
        fields = []


@extend_schema(tags=["干部选派"])
@extend_schema_view(
    list=extend_schema(summary="选派记录列表", description="派出方或驻在方在您管辖范围内的选派记录（墩苗、挂职、第一书记、驻村工作队）。"),
    retrieve=extend_schema(summary="选派记录详情",
                           responses={200: DispatchSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")}),
)
class DispatchViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Dispatch.objects.select_related("person", "program", "organization", "host_org").order_by("pk")
    serializer_class = DispatchSerializer
    permission_classes = [TwoSidedPermission]
    filter_backends = [FilterBackend]
    filterset_class = DispatchApiFilterSet


@extend_schema(tags=["干部选派"])
@extend_schema_view(
    list=extend_schema(summary="干部交流列表", description="管理方、原单位或交流单位在您管辖范围内的交流记录。"),
    retrieve=extend_schema(summary="干部交流详情",
                           responses={200: RotationSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")}),
)
class RotationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Rotation.objects.select_related("person", "organization").order_by("pk")
    serializer_class = RotationSerializer
    permission_classes = [TwoSidedPermission]
    filter_backends = [FilterBackend]
    filterset_class = RotationApiFilterSet


def router_register(router) -> None:
    """api:dispatch-dispatch-list/detail, api:dispatch-rotation-list/detail."""
    router.register("dispatch/dispatches", DispatchViewSet, basename="dispatch-dispatch")
    router.register("dispatch/rotations", RotationViewSet, basename="dispatch-rotation")
