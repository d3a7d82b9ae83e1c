"""Training forms: the course library (a course, a material, recording study for people or a whole branch)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import reverse

from zugong.core.forms import VersionedFormMixin
from zugong.members.models import Membership
from zugong.orgs.fields import OrganizationPicker
from zugong.people.fields import person_label
from zugong.people.models import Person

from ..models import Course, CourseCategory, StudyLog

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(VersionedFormMixin, forms.ModelForm):
    organization = OrganizationPicker(label="发布单位", action="manage", required=False,
                                      help_text="课程面向该组织及其下级；不填为全国通用（仅省级组织部门管理员）")

    class Meta:
        model = Course
        fields = ("organization", "code", "title", "category", "lecturer", "minutes", "hours", "has_test", "summary",
                  "active")
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organization"]
        else:
            self.fields["organization"].bind(user)
        wanted = Q(active=True) | Q(pk=self.instance.category_id) if self.instance.category_id else Q(active=True)
        self.fields["category"].queryset = CourseCategory.objects.visible_to(user).filter(wanted).order_by("order", "pk")
        self.fields["category"].empty_label = "请选择"


class MaterialForm(forms.Form):
    title = forms.CharField(label="资料名称", max_length=100, required=False, help_text="上传文件时不填则用文件名")
    file = forms.FileField(label="文件", required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.pptx,.mp4"}),
                           help_text="PDF、Word（.docx）、演示文稿（.pptx）或视频（.mp4）；只有能看到本课程的用户可以下载")
    link = forms.CharField(label="或填写内网链接", max_length=500, required=False,
                           help_text="以 / 开头的本平台地址，或内网服务器的地址（内网 IP 地址或内网主机名）；不接受外网地址")

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("link") or "").strip():
            raise forms.ValidationError("请上传文件或填写内网链接")
        return data


class PeopleSelect(forms.SelectMultiple):
    """A multiple select showing only the chosen people; the others are fetched, scoped, as the user types."""

    def optgroups(self, name, value, attrs=None):
        chosen = {str(v) for v in value if v not in (None, "")}
        if not chosen:
            return []
        qs = self.choices.queryset.filter(pk__in=[v for v in chosen if v.isdigit()])
        options = [self.create_option(name, p.pk, person_label(p), True, i) for i, p in enumerate(qs)]
        return [(None, options, 0)]


class PeoplePicker(forms.ModelMultipleChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault("error_messages", {"invalid_choice": "所选人员不存在或不在您的管辖范围内",
                                             "invalid_pk_value": "所选人员不存在或不在您的管辖范围内"})
        super().__init__(*args, **kwargs)
        self.widget = PeopleSelect(attrs={"class": "form-select"})
        self.widget.choices = self.choices

    def bind(self, user):
        self.queryset = Person.objects.visible_to(user, "change").select_related("organization")
        self.widget.choices = self.choices
        self.widget.attrs["data-picker-url"] = reverse("people:picker")


class StudyForm(forms.Form):
    people = PeoplePicker(label="学习人员", required=False, help_text="输入姓名、拼音或身份证号后几位查找，可选多人")
    organization = OrganizationPicker(label="或登记一个组织的全体党员", action="change", required=False,
                                      help_text="该组织的正式党员和预备党员（已转出的除外）")
    subtree = forms.BooleanField(label="含下级组织的党员", required=False)
    studied_on = forms.DateField(label="学习日期", widget=DATE)
    minutes = forms.IntegerField(label="学习时长（分钟）", min_value=1, max_value=24 * 60,
                                 error_messages={"min_value": "学习时长应大于 0 分钟",
                                                 "max_value": "学习时长不能超过一天（1440 分钟）"})
    passed_test = forms.BooleanField(label="考试通过", required=False)
    method = forms.ChoiceField(label="学习方式", choices=StudyLog.Method.choices)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user=None, course=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["people"].bind(user)
        self.fields["organization"].bind(user)
        if course is not None and not course.has_test:
            del self.fields["passed_test"]

    def chosen_people(self) -> list[Person]:
        """The people picked and the members of the chosen organization, among those the user may change."""
        people = {p.pk: p for p in self.cleaned_data.get("people") or []}
        org = self.cleaned_data.get("organization")
        if org is not None:
            members = Membership.objects.visible_to(self.user, "change").active()
            members = members.subtree(org.path) if self.cleaned_data.get("subtree") else \
                members.filter(organization=org)
            for p in (Person.objects.visible_to(self.user, "change")
                      .filter(pk__in=members.values("person_id")).order_by("pk")):
                people.setdefault(p.pk, p)
        return list(people.values())

    def clean(self):
        data = super().clean()
        if not data.get("people") and not data.get("organization"):
            raise forms.ValidationError("请选择学习人员，或选择一个组织登记其全体党员")
        return data
