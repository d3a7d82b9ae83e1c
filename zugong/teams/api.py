"""REST API of leadership teams: /api/teams/ (read-only), scoped like every resource.

Each team comes with its posts (quota, current holders, vacancies and since when). Filters: `organization`
(a code: that organization's subtree), `level` (1–4), `kind`.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code

from . import queries
from .models import LeadershipTeam, TeamMember, TeamPost


class HolderSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="cadre.name", read_only=True, label="姓名")
    start_on = serializers.DateField(source="post.start_on", read_only=True, label="任职时间")
    document_no = serializers.CharField(source="post.document_no", read_only=True, label="任职文号")

    class Meta:
        model = TeamMember
        fields = ["id", "cadre", "name", "start_on", "document_no"]


class PostSerializer(serializers.ModelSerializer):
    holders = serializers.SerializerMethodField(label="在任者")
    vacancies = serializers.SerializerMethodField(label="空缺名额")
    vacant_from = serializers.SerializerMethodField(label="空缺起始日")

    class Meta:
        model = TeamPost
        fields = ["id", "title", "rank", "quota", "order", "holders", "vacancies", "vacant_from"]

    def _annotated(self, obj):
        cache = self.context.setdefault("_vacancy", {})
        if obj.team_id not in cache:
            posts = TeamPost.objects.visible_to(self.context["request"].user).filter(team=obj.team_id)
            rows = queries.with_vacancy(posts, timezone.localdate()).values("pk", "vacancies", "vacant_from")
            cache[obj.team_id] = {r["pk"]: r for r in rows}
        return cache[obj.team_id].get(obj.pk, {})

    def get_holders(self, obj) -> list[dict]:
        today = timezone.localdate()
        seats = [m for m in obj.members.all() if m.post.start_on <= today and (m.post.end_on is None
                                                                                 or m.post.end_on > today)]
        return HolderSerializer(seats, many=True).data

    def get_vacancies(self, obj) -> int:
        return self._annotated(obj).get("vacancies", 0)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_vacant_from(self, obj):
        day = self._annotated(obj).get("vacant_from")
        return day.isoformat() if day else None


class TeamSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, label="单位")
    organization = serializers.CharField(source="organization.code", read_only=True, label="所属党组织代码")
    posts = PostSerializer(many=True, read_only=True, label="职位")

    class Meta:
        model = LeadershipTeam
        fields = ["id", "name", "unit", "unit_name", "organization", "level", "kind", "term_started_on", "posts"]


class TeamFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(method="filter_org", label="组织代码（含下级）")
    level = django_filters.NumberFilter(label="班子层级")
    kind = django_filters.ChoiceFilter(choices=LeadershipTeam.Kind.choices, label="班子类别")

    class Meta:
        model = LeadershipTeam
        fields = []

    def filter_org(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)


class TeamViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """领导班子：职位、职数、在任者和空缺。"""

    queryset = LeadershipTeam.objects.all()
    serializer_class = TeamSerializer
    filter_backends = [FilterBackend]
    filterset_class = TeamFilter

    def get_queryset(self):
        from django.db.models import Prefetch

        members = TeamMember.objects.visible_to(self.request.user).select_related("post", "cadre")
        posts = TeamPost.objects.visible_to(self.request.user).prefetch_related(Prefetch("members", queryset=members))
        return (super().get_queryset().select_related("unit", "organization")
                .prefetch_related(Prefetch("posts", queryset=posts)).order_by("org_path", "order", "pk"))


def router_register(router):
    router.register("teams", TeamViewSet, basename="team")
