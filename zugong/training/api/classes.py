"""Training API: classes — `/api/training/classes/` (scoped list and detail): each class with its type, 脱产 or
not, dates, total 学时, status, the number of trainees by status and (detail) its sessions."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from zugong.core import scope
from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code

from .. import classes_services as services
from ..models import Enrolment, Session, TrainingClass

S = Enrolment.Status


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "on", "starts_at", "ends_at", "topic", "lecturer", "hours"]
        read_only_fields = fields


class ClassSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True, label="主办单位代码")
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="主办单位")
    kind_name = serializers.SerializerMethodField(label="培训类型名称")
    status = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    enrolments = serializers.SerializerMethodField(label="学员人数（在学、结业、退学）")

    class Meta:
        model = TrainingClass
        fields = ["id", "code", "name", "organization", "organization_name", "kind", "kind_name", "off_job",
                  "starts_on", "ends_on", "total_hours", "capacity", "target", "location", "status", "enrolments"]
        read_only_fields = fields

    def get_kind_name(self, obj) -> str:
        names = self.context.setdefault("type_names", {t.code: t.name for t in services.class_types()})
        return names.get(obj.kind, obj.kind)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_enrolments(self, obj):
        return {"enrolled": obj.n_enrolled, "completed": obj.n_completed, "withdrawn": obj.n_withdrawn}


class ClassDetailSerializer(ClassSerializer):
    sessions = SessionSerializer(many=True, read_only=True, label="课次")

    class Meta(ClassSerializer.Meta):
        fields = [*ClassSerializer.Meta.fields, "sessions"]
        read_only_fields = fields


class ClassFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="开始年度", field_name="starts_on", lookup_expr="year")
    organization = django_filters.CharFilter(label="组织代码：该组织及其下级举办的班次", method="filter_org")
    kind = django_filters.CharFilter(label="培训类型代码", field_name="kind")
    status = django_filters.ChoiceFilter(label="状态", choices=TrainingClass.Status.choices)
    off_job = django_filters.BooleanFilter(label="是否脱产", field_name="off_job")

    class Meta:
        model = TrainingClass
        fields = []

    def filter_org(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)


def _count(status):
    return Count("enrolments", filter=Q(enrolments__status=status), distinct=True)


class TrainingClassViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """培训班次：类型、是否脱产、起止日期、总学时、状态、学员人数；详情含课次。"""

    queryset = (TrainingClass.objects.select_related("organization")
                .annotate(n_enrolled=_count(S.ENROLLED), n_completed=_count(S.COMPLETED),
                          n_withdrawn=_count(S.WITHDRAWN))
                .order_by("-starts_on", "code"))
    serializer_class = ClassSerializer
    filter_backends = [FilterBackend]
    filterset_class = ClassFilterSet

    def get_serializer_class(self):
        return ClassDetailSerializer if self.action == "retrieve" else ClassSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":  # the sessions scoped like the class (`scope.scope_prefetches`)
            qs = scope.scope_prefetches(qs.prefetch_related(
                Prefetch("sessions", queryset=Session.objects.order_by("on", "starts_at", "pk"))), self.request.user)
        return qs


def register(router) -> None:
    router.register("training/classes", TrainingClassViewSet, basename="training-classes")
