"""The per-form fields of a cadre's 任免审批表 (拟任, 拟免, 任免理由, 呈报单位, dates, 填表人, version …).

Everything else on the form lives on Person, Cadre and the cadre's sub-records; `mapping.py` moves a form to
and from them. One AdForm per cadre: the form as last imported or edited. It also keeps the imported 简历
text verbatim, so an export gives back exactly the text that came in while the résumé entries still say
the same (the entries are the data; the text is their last printed form).
"""

from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.scope import Inherited, ScopedModel


class AdForm(ScopedModel, AuditedModel):
    scope = Inherited("cadre")
    audit_exclude = ("org_path", "created_at", "updated_at", "resume_text")

    cadre = models.OneToOneField("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE, related_name="adform")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    current_post = models.TextField("现任职务（表上文字）", blank=True)
    proposed_post = models.TextField("拟任职务", blank=True)
    proposed_removal = models.TextField("拟免职务", blank=True)
    reasons = models.TextField("任免理由", blank=True)
    submitting_unit = models.CharField("呈报单位", max_length=200, blank=True)
    age_as_of = models.CharField("计算年龄时间", max_length=8, blank=True, help_text="YYYYMM 或 YYYYMMDD")
    filled_on = models.CharField("填表时间", max_length=8, blank=True, help_text="YYYYMM 或 YYYYMMDD")
    filled_by = models.CharField("填表人", max_length=50, blank=True)
    version = models.CharField("任免表编辑器版本", max_length=20, blank=True)
    retirement_month = models.CharField("到龄年月（文件所载）", max_length=6, blank=True)
    pre_reform_age_limit = models.CharField("改革前任职年龄界限", max_length=60, blank=True)
    resume_text = models.TextField("简历（导入原文）", blank=True)
    source = models.CharField("来源", max_length=20, blank=True, help_text="lrmx、lrm 或 页面填写")
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "任免审批表"

    def __str__(self):
        return f"{self.cadre}的任免审批表" if self.cadre_id else "任免审批表"
