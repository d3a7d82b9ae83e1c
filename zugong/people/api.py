"""REST API of people: list (filter, search, order), detail, create, edit (including moving to another
organization).

Writes go through `zugong.people.services.save_person` (rights on the target and current organization,
duplicate ID number message, model validation); saves are audited by the model. Everything is scoped.
"""

from __future__ import annotations

import django_filters
from django.db import IntegrityError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zugong.core import pii
from zugong.core.api import MappedOrderingFilter, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import OrganizationCodeField, resolve_org_code

from . import idnumber, search, services
from .models import Person
from zugong.core.refdata import EDUCATION, ETHNICITIES, SEXES

# ---------------------------------------------------------------- serializer


class PersonSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField(
        label="所在党组织",
        help_text="所在党组织的组织代码（须在您的管辖范围内，且您对其有“修改人员”权限）；修改即为转移到该组织",
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="所在党组织名称")
    id_number = serializers.CharField(
        label="公民身份号码",
        max_length=40,
        help_text=(
            "18位公民身份号码（旧版15位号码自动升为18位），全平台唯一；与出生日期、性别须一致。"
            "读取时脱敏显示（如 110101********1234），完整号码见 /api/people/{id}/full/（记入操作日志）；"
            "修改时原样传回脱敏值表示不修改"
        ),
    )
    sex_display = serializers.CharField(source="get_sex_display", read_only=True, label="性别名称")
    ethnicity_display = serializers.CharField(source="get_ethnicity_display", read_only=True, label="民族名称")
    education_display = serializers.CharField(source="get_education_display", read_only=True, label="学历名称")

    class Meta:
        model = Person
        fields = [
            "id", "name", "sex", "sex_display", "ethnicity", "ethnicity_display", "birth_date", "id_number",
            "native_place", "birthplace", "education", "education_display", "phone", "organization",
            "organization_name",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {
            "id": {"label": "编号", "help_text": "记录编号，用于 /api/people/{id}/"},
            "name": {"help_text": "姓名"},
            "sex": {"required": False, "help_text": "性别代码（GB/T 2261.1）；新建时不填则按公民身份号码确定"},
            "ethnicity": {"help_text": "民族代码（GB/T 3304），默认 01 汉族"},
            "birth_date": {"required": False, "help_text": "出生日期 YYYY-MM-DD；新建时不填则取自公民身份号码"},
            "native_place": {"help_text": "籍贯"},
            "birthplace": {"help_text": "出生地"},
            "education": {"help_text": "学历代码（GB/T 4658，可空）"},
            "phone": {"help_text": "联系电话（读取时脱敏显示，如 138****5678；原样传回表示不修改）"},
        }

    @property
    def user(self):
        return self.context["request"].user

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["id_number"] = pii.mask_id(data.get("id_number") or "")
        data["phone"] = pii.mask_phone(data.get("phone") or "")
        return data

    def validate_phone(self, value):
        if self.instance is not None and value and value == pii.mask_phone(self.instance.phone):
            return self.instance.phone  # the masked value sent back: unchanged
        return value

    def validate_id_number(self, value):
        if self.instance is not None and value == pii.mask_id(self.instance.id_number):
            return self.instance.id_number  # the masked value sent back: unchanged
        try:
            number = idnumber.parse_id_number(value).number
        except idnumber.IdNumberError as exc:
            raise serializers.ValidationError(str(exc)) from None
        message = services.duplicate_message(self.user, number, exclude_pk=getattr(self.instance, "pk", None))
        if message:
            raise serializers.ValidationError(message)
        return number

    def validate(self, attrs):
        if self.instance is None and attrs.get("id_number"):
            # Birth date and sex left out of a new record are taken from the ID number.
            info = idnumber.parse_id_number(attrs["id_number"])
            attrs.setdefault("birth_date", info.birth_date)
            attrs.setdefault("sex", "1" if info.sex == "男" else "2")
        return attrs

    def _save(self, person: Person) -> Person:
        try:
            return services.save_person(self.user, person)
        except IntegrityError:
            # The same number saved concurrently by someone else.
            message = services.duplicate_message(self.user, person.id_number, exclude_pk=person.pk)
            raise serializers.ValidationError({"id_number": [message or "该公民身份号码已登记"]}) from None

    def create(self, validated_data):
        return self._save(Person(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save(instance)


class FullNumbersSerializer(serializers.Serializer):
    id = serializers.IntegerField(label="编号")
    id_number = serializers.CharField(label="公民身份号码（完整）")
    phone = serializers.CharField(label="联系电话（完整）", allow_blank=True)


# ---------------------------------------------------------------- filters


class PersonApiFilterSet(django_filters.FilterSet):
    organization = django_filters.CharFilter(
        label="组织代码：该组织及其全部下级组织的人员", method="filter_organization"
    )
    sex = django_filters.ChoiceFilter(label="性别", choices=SEXES)
    ethnicity = django_filters.ChoiceFilter(label="民族", choices=ETHNICITIES)
    education = django_filters.ChoiceFilter(label="学历", choices=EDUCATION)
    search = django_filters.CharFilter(
        label=(
            "搜索：姓名开头（刘洋）、全拼或首字母开头（liuyang、ly），"
            "或公民身份号码的末几位（至少4位，如 1234、123X）"
        ),
        method="filter_search",
    )

    class Meta:
        model = Person
        fields = []

    def filter_organization(self, qs, name, value):
        org = resolve_org_code(self.request, value, name)
        return qs.subtree(org.path)

    def filter_search(self, qs, name, value):
        return search.search(qs, value)


# ---------------------------------------------------------------- viewset


@extend_schema(tags=["人员"])
@extend_schema_view(
    list=extend_schema(
        summary="人员列表",
        description=(
            "列出您管辖范围内的人员。可按组织子树（`organization`）、性别、民族、学历筛选，"
            "按姓名、拼音、首字母或身份证号末几位搜索（`search`），按姓氏笔画或拼音排序（`ordering`）。"
        ),
    ),
    retrieve=extend_schema(
        summary="人员详情",
        description="一名人员的信息。管辖范围以外的人员返回 404。",
        responses={200: PersonSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")},
    ),
    create=extend_schema(
        summary="登记人员",
        description=(
            "在党组织（`organization`，填组织代码）中登记人员；需要对该组织有“修改人员”权限。"
            "公民身份号码须有效且未登记过：已登记时，若该记录在您管辖范围内则指明是谁，否则只说明已登记"
            "（不说明登记在哪里；这类答复每个用户每小时有次数限制）。"
            "操作记入操作日志。"
        ),
        responses={
            201: PersonSerializer,
            400: OpenApiResponse(description="输入有误（如身份证号校验码错误、与出生日期或性别不一致、重复），按字段给出中文说明"),
            403: OpenApiResponse(description="无权在该组织登记人员"),
        },
    ),
    partial_update=extend_schema(
        summary="修改人员信息",
        description=(
            "修改人员信息；修改 `organization` 即把人员转到另一党组织（需要对原组织和新组织都有“修改人员”权限）。"
            "每次修改连同字段变化记入操作日志。"
        ),
        responses={
            200: PersonSerializer,
            400: OpenApiResponse(description="输入有误，按字段给出中文说明"),
            403: OpenApiResponse(description="只有查看权限，或无权转到该组织"),
            404: OpenApiResponse(description="不存在或不在管辖范围内"),
        },
    ),
)
class PersonViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People in the user's subtrees."""

    queryset = Person.objects.select_related("organization")
    scope_write_action = "change"
    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = PersonSerializer
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = PersonApiFilterSet
    ordering_map = {
        "org": ("org_path", "stroke_key", "id"),
        "stroke": ("stroke_key", "id"),
        "name": ("stroke_key", "id"),
        "pinyin": ("pinyin_key", "id"),
        "birth_date": ("birth_date", "id"),
        "id": ("id",),
    }
    ordering_labels = {
        "org": "按所在组织，组织内按姓氏笔画",
        "stroke": "姓氏笔画",
        "name": "姓名（同 stroke，姓氏笔画）",
        "pinyin": "姓名拼音",
        "birth_date": "出生日期",
        "id": "编号（登记先后）",
    }
    ordering = ["org"]

    @extend_schema(
        summary="人员的完整公民身份号码和联系电话",
        description=(
            "列表和详情中的公民身份号码、联系电话均脱敏显示。需要完整号码时调用本接口：只有对该人员所在组织有"
            "“修改人员”权限的用户（支部书记、党组织管理员、组织部管理员）可以调用，每次调用记入操作日志"
            "（查看完整身份证号）。"
        ),
        responses={200: FullNumbersSerializer, 403: OpenApiResponse(description="无权查看完整号码"),
                   404: OpenApiResponse(description="不存在或不在管辖范围内")},
    )
    @action(detail=True, methods=["get"], url_path="full")
    def full(self, request, pk=None):
        person = self.get_object()
        numbers = services.full_numbers(request.user, person, via="API")
        return Response(FullNumbersSerializer({"id": person.pk, **numbers}).data)
