"""Forms of elections: the election record with its count, the higher organization's approval, a term
adjustment. When a rule refused the step, an authorized administrator also sees the exception reason."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone

from zugong.orgs.fields import OrganizationPicker

from .models import Election, TermAdjustment
from .services import CandidateVotes

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EXCEPTION_HELP = "规则不允许办理时，组织部门或党组织管理员可填写理由作为例外办理（记入操作日志）"
_LINE = re.compile(r"^(?P<name>.+?)[\s,，、:：]+(?P<votes>\d+)\s*票?$")


def parse_candidates(text: str) -> tuple[list[CandidateVotes], list[str]]:
    """"张三 35" per line (a space, comma or colon between the name and the yes votes)."""
    out, errors = [], []
    for i, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        m = _LINE.match(line)
        if not m:
            errors.append(f"第 {i} 行“{line}”应为“姓名 赞成票数”，例如“刘一 35”")
            continue
        out.append(CandidateVotes(m["name"].strip(), int(m["votes"])))
    names = [c.name for c in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        errors.append(f"候选人重复：{'、'.join(dupes)}")
    return out, errors


class ElectionForm(forms.Form):
    organization = OrganizationPicker(label="党组织", action="change")
    kind = forms.ChoiceField(label="选举类别", choices=Election.Kind.choices, initial=Election.Kind.TERM)
    held_on = forms.DateField(label="选举日期（党员大会召开日期）", widget=DATE)
    seats = forms.IntegerField(label="应选人数（委员名额）", min_value=1, max_value=99)
    expected_voters = forms.IntegerField(label="应到会有选举权的党员数", min_value=1,
                                         help_text="正式党员人数，不含预备党员和受留党察看处分的党员")
    voters_present = forms.IntegerField(label="实到会有选举权的党员数", min_value=0)
    candidate_lines = forms.CharField(
        label="候选人及赞成票数", widget=forms.Textarea(attrs={"rows": 7, "placeholder": "刘一 35\n陈二 33"}),
        help_text="每行一名候选人：姓名和赞成票数，按候选人名单顺序（姓氏笔画）填写；当选结果按规则自动计算")
    secretary_name = forms.CharField(label="书记（委员会选举产生）", required=False, max_length=50)
    deputy_secretary_name = forms.CharField(label="副书记", required=False, max_length=50)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    exception_reason = forms.CharField(label="例外办理理由", required=False, help_text=EXCEPTION_HELP,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, allow_exception=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        if not allow_exception:
            del self.fields["exception_reason"]

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("选举日期不能晚于今天")
        return day

    def clean_candidate_lines(self):
        candidates, errors = parse_candidates(self.cleaned_data["candidate_lines"])
        if errors:
            raise forms.ValidationError(errors)
        self.candidates = candidates
        return self.cleaned_data["candidate_lines"]


class ApproveForm(forms.Form):
    approved_on = forms.DateField(label="上级批准日期", widget=DATE)
    approval_document = forms.CharField(label="批复文号", required=False, max_length=100)
    secretary_name = forms.ChoiceField(label="书记")
    deputy_secretary_name = forms.ChoiceField(label="副书记", required=False)

    def __init__(self, *args, election=None, **kwargs):
        super().__init__(*args, **kwargs)
        names = [(n, n) for n in election.elected_names()]
        self.fields["secretary_name"].choices = [("", "请选择")] + names
        self.fields["deputy_secretary_name"].choices = [("", "不设副书记")] + names


class AdjustForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=TermAdjustment.Kind.choices)
    months = forms.IntegerField(label="延期或提前月数", min_value=1, max_value=99,
                                help_text="一般不超过 12 个月（1 年）")
    approved_by = forms.CharField(label="批准机关", max_length=100)
    approved_on = forms.DateField(label="批准日期", widget=DATE)
    document_no = forms.CharField(label="批复文号", required=False, max_length=100)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))
    exception_reason = forms.CharField(label="例外办理理由", required=False, help_text=EXCEPTION_HELP,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, allow_exception=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_exception:
            del self.fields["exception_reason"]
