"""REST API of cadre records: /api/cadres/ (list with ?person=<ID number>, ?unit=, ?rank=, ?organization=;
detail with current posts, rank history, résumé, education, family and assessments). Read-only: posts and
ranks change through the pages or other apps' services (zugong.cadres.services)."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets

from zugong.core import pii
from zugong.core.api import MaskedField, MappedOrderingFilter, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend, id_in_range
from zugong.orgs.fields import OrganizationCodeField, resolve_org_code
from zugong.people import idnumber

from . import ranks, services
from .models import AnnualAssessment, Cadre, CadrePost, Education, FamilyMember, RankRecord, ResumeEntry


class PostSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit_display", read_only=True, label="任职单位")
    full_title = serializers.CharField(read_only=True, label="单位及职务")

    class Meta:
        model = CadrePost
        fields = ["id", "unit", "unit_name", "title", "full_title", "rank", "start_on", "end_on",
                  "appointment_method", "document_no", "is_main"]


class RankSerializer(serializers.ModelSerializer):
    class Meta:
        model = RankRecord
        fields = ["rank", "start_on", "end_on", "document_no"]


class ResumeSerializer(serializers.ModelSerializer):
    line = serializers.CharField(read_only=True, label="简历行（YYYY.MM--YYYY.MM 单位及职务）")

    class Meta:
        model = ResumeEntry
        fields = ["start_on", "end_on", "text", "during", "line"]


class EducationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Education
        fields = ["mode", "education", "education_text", "degree_text", "institution", "degree_institution",
                  "start_on", "end_on"]


class FamilySerializer(serializers.ModelSerializer):
    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "birth_text", "political_status", "work"]


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualAssessment
        fields = ["year", "grade"]


class CadreSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", read_only=True, label="人员编号")
    id_number = MaskedField(mask=pii.mask_id, source="person.id_number", read_only=True, label="公民身份号码（脱敏）")
    organization = OrganizationCodeField(read_only=True, label="管理单位", help_text="管理单位（党组织）的组织代码")
    unit_name = serializers.CharField(source="work_unit_display", read_only=True, label="工作单位")
    rank_name = serializers.CharField(read_only=True, label="职级/级别名称")
    level_name = serializers.CharField(read_only=True, label="层级")
    age = serializers.IntegerField(read_only=True, label="年龄")

    class Meta:
        model = Cadre
        fields = ["id", "person", "name", "id_number", "sex", "birth_date", "age", "ethnicity", "education",
                  "organization", "unit", "unit_name", "current_title", "rank", "rank_name", "rank_level",
                  "level_name", "rank_since", "post_started_on", "work_started_on", "party_status",
                  "party_joined_on", "professional_title", "post_order", "status"]


class CadreDetailSerializer(CadreSerializer):
    posts = PostSerializer(many=True, read_only=True, label="任职记录")
    rank_records = RankSerializer(many=True, read_only=True, label="职级记录")
    resume = ResumeSerializer(many=True, read_only=True, label="简历")
    educations = EducationSerializer(many=True, read_only=True, label="学历学位")
    family = FamilySerializer(many=True, read_only=True, label="家庭成员及重要社会关系")
    assessments = AssessmentSerializer(many=True, read_only=True, label="年度考核")
    rewards_text = serializers.CharField(read_only=True, label="奖惩情况")
    assessment_text = serializers.SerializerMethodField(label="年度考核结果")

    class Meta(CadreSerializer.Meta):
        fields = CadreSerializer.Meta.fields + ["health", "specialty", "rewards_text", "assessment_text", "posts",
                                                "rank_records", "resume", "educations", "family", "assessments"]

    def get_assessment_text(self, cadre) -> str:
        return services.assessment_summary(cadre)


class CadreApiFilterSet(django_filters.FilterSet):
    person = django_filters.CharFilter(label="公民身份号码", method="filter_person")
    unit = django_filters.CharFilter(label="工作单位（编号或名称的一部分）", method="filter_unit")
    rank = django_filters.ChoiceFilter(label="职级/级别代码", choices=ranks.RANK_CHOICES)
    level = django_filters.NumberFilter(label="层级（1 省部级 … 5 科员级）", field_name="rank_level")
    organization = django_filters.CharFilter(label="管理单位组织代码（含下级）", method="filter_organization")
    status = django_filters.ChoiceFilter(label="状态", choices=Cadre.Status.choices)

    class Meta:
        model = Cadre
        fields = []

    def filter_person(self, qs, name, value):
        try:
            number = idnumber.parse_id_number(value).number
        except idnumber.IdNumberError as exc:
            raise exceptions.ValidationError({name: [str(exc)]}) from None
        return qs.filter(person__id_number=number)

    def filter_unit(self, qs, name, value):
        value = value.strip()
        unit_id = id_in_range(Cadre._meta.get_field("unit").related_model, value)
        if unit_id is not None:
            return qs.filter(unit_id=unit_id)
        return qs.filter(Q(unit__name__contains=value) | Q(unit_name__contains=value))

    def filter_organization(self, qs, name, value):
        org = resolve_org_code(self.request, value, name)
        return qs.filter(org_path__subtree=org.path)


@extend_schema(tags=["干部"])
@extend_schema_view(
    list=extend_schema(summary="干部列表", description=(
        "您管辖范围内的干部，默认按管理单位、姓氏笔画排序。可按公民身份号码（`person`）、工作单位（`unit`，编号或"
        "名称的一部分）、职级（`rank`）、层级（`level`）、管理单位（`organization`）筛选。")),
    retrieve=extend_schema(summary="干部详情", description="含现任及历任职务、职级记录、简历、学历学位、家庭成员、年度考核。",
                           responses={200: CadreDetailSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")}),
)
class CadreViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Cadre.objects.select_related("person", "organization", "unit")
    http_method_names = ["get", "head", "options"]
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = CadreApiFilterSet
    ordering_map = {"org": ("org_path", "stroke_key", "id"), "post": ("org_path", "post_order", "rank_order", "id"),
                    "id": ("id",)}
    ordering_labels = {"org": "按管理单位，单位内按姓氏笔画", "post": "按管理单位，单位内按职务排序", "id": "编号"}
    ordering = ["org"]

    def get_serializer_class(self):
        return CadreDetailSerializer if self.action == "retrieve" else CadreSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            # The sub-records share their cadre's path: those of a visible cadre are visible.
            user = self.request.user
            qs = qs.prefetch_related(
                Prefetch("posts", CadrePost.objects.visible_to(user).select_related("unit")),
                *(Prefetch(name, model.objects.visible_to(user)) for name, model in (
                    ("rank_records", RankRecord), ("resume", ResumeEntry), ("educations", Education),
                    ("family", FamilyMember), ("assessments", AnnualAssessment))),
            )
        return qs


def router_register(router) -> None:
    """Mount /api/cadres/ (names api:cadre-list, api:cadre-detail)."""
    router.register("cadres", CadreViewSet, basename="cadre")
