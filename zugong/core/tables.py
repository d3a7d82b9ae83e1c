import itertools

import django_filters
import django_tables2 as tables
from django import forms

from .models import AuditEntry

MODEL_LABELS = {"service.servicetask": "办实事事项", "service.taskstep": "办实事步骤", "service.taskdocument": "办实事材料",
                "service.phase": "分期办理阶段", "service.pause": "暂停计时", "service.extension": "延期申请",
                "service.urgencyclass": "紧急程度", "service.taskcategory": "事项类别", "service.campaign": "办实事活动（清单）",
                "service.satisfactionpolicy": "满意度回访规则", "service.survey": "满意度回访", "service.feedback": "群众评价",
                "service.communityregistration": "在职党员到社区报到", "service.communityactivity": "社区活动",
                "service.servicehours": "志愿服务时长", "service.publicboard": "办实事公示屏",
                "training.credit": "学时记录", "training.creditrule": "学时认定规则", "training.signinrules": "签到规则", "training.signin": "签到记录", "training.plan": "年度培训计划", "training.trainingclass": "培训班次",
                "training.session": "课次", "training.enrolment": "学员", "training.attendance": "出勤",
                "training.course": "课程", "training.coursecategory": "课程类别", "training.coursematerial": "课程资料",
                "training.studylog": "课程学习记录",
                "training.classtype": "培训类型", "training.leavepolicy": "脱产培训请假限额",
                "training.certificate": "结业证书",
                "assessment.teamassessment": "领导班子考核", "assessment.leaderassessment": "领导干部考核",
                "assessment.excellencebar": "不得评为优秀的情形", "assessment.ballotrules": "民主测评规则",
                "assessment.ballotround": "民主测评", "assessment.voterclass": "投票人类别",
                "assessment.ballotsubject": "测评对象", "assessment.codebatch": "投票码批次",
                "assessment.scheme": "分类考核方案", "assessment.schemecategory": "考核类别",
                "assessment.schemeindicator": "考核指标", "assessment.schemeunit": "考核单位",
                "assessment.indicatorvalue": "考核指标数值", "assessment.unitresult": "分类考核结果",
                "orgs.organization": "党组织", "people.person": "人员", "accounts.user": "用户",
                "accounts.scopegrant": "管辖范围",
                "notifications.subscriber": "提醒设置",
                "notifications.leadtime": "提醒提前天数", "orgs.unit": "单位", "core.localrule": "本地规则",
                "members.membership": "党员", "members.transferrequest": "组织关系转接",
                "members.duespayment": "党费缴纳", "members.duesexemption": "党费减免及未交理由",
                "recruitment.case": "发展党员纪实",
                "branchlife.meeting": "组织生活记录", "branchlife.meetingattachment": "会议附件",
                "branchlife.absence": "缺席记录", "branchlife.studyrecord": "学习培训学时",
                "branchlife.appraisal": "民主评议党员", "branchlife.appraisalresult": "民主评议结果",
                "elections.election": "选举记录", "elections.electioncandidate": "候选人",
                "elections.termadjustment": "换届时间调整",
                "standardization.checklist": "标准化建设评分标准", "standardization.checklistitem": "评分项目",
                "standardization.inspectorscore": "考评评分", "standardization.branchscore": "标准化建设得分",
                "weakorgs.indicatorset": "软弱涣散认定标准", "weakorgs.indicator": "认定情形",
                "weakorgs.flag": "人工标记情形", "weakorgs.identificationlist": "软弱涣散认定名单",
                "weakorgs.weakorganization": "软弱涣散党组织", "weakorgs.rectification": "整顿台账",
                "weakorgs.progressreport": "整顿进展", "weakorgs.acceptance": "整顿验收",
                "dispatch.program": "选派项目", "dispatch.dispatch": "干部选派", "dispatch.workteam": "驻村工作队",
                "dispatch.dispatchreport": "选派工作报告", "dispatch.evaluation": "选派考核",
                "dispatch.rotation": "干部交流",
                "cadres.cadre": "干部", "cadres.cadrepost": "任职记录", "cadres.rankrecord": "职级记录",
                "cadres.resumeentry": "简历", "cadres.education": "学历学位", "cadres.rewardpunishment": "奖惩",
                "cadres.annualassessment": "年度考核",
                "assessment.pool": "考核组", "assessment.poolmember": "考核组成员",
                "assessment.quotarule": "考核等次比例", "assessment.quotaapproval": "提高等次比例的批准记录",
                "assessment.assessmentpolicy": "个人考核设置", "assessment.routineround": "平时考核",
                "assessment.routinegrade": "平时考核等次", "assessment.annualround": "年度考核（考核机关）",
                "assessment.annualproposal": "年度考核等次", "cadres.familymember": "家庭成员",
                "cadres.trainingrecord": "培训记录",
                "adform.adform": "任免审批表",
                "appointments.selectioncase": "选拔任用纪实", "appointments.observation": "一线考察识别记录",
                "teams.leadershipteam": "领导班子", "teams.teampost": "班子职位", "teams.teammember": "班子成员",
                "core.job": "后台任务",
                "assessment.sanction": "处分、问责和组织处理", "assessment.investigation": "立案审查",
                "assessment.sanctioneffect": "处分对年度考核的影响"}


class SequenceMixin:
    """A 序号 column counting rows across pages (and from 1 in an export)."""

    def _next_seq(self):
        if not hasattr(self, "_seq"):
            page = getattr(self, "page", None)
            self._seq = itertools.count(page.start_index() if page else 1)
        return next(self._seq)

    def render_seq(self):
        return self._next_seq()

    def value_seq(self):
        return self._next_seq()


class AuditFilterSet(django_filters.FilterSet):
    actor_name = django_filters.CharFilter(label="操作人", lookup_expr="exact")
    action = django_filters.ChoiceFilter(label="操作", choices=AuditEntry.Action.choices, empty_label="全部")
    model = django_filters.ChoiceFilter(label="对象类型", choices=list(MODEL_LABELS.items()), empty_label="全部")
    since = django_filters.DateFilter(label="起始日期", field_name="timestamp", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label="截止日期", field_name="timestamp", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    operation = django_filters.CharFilter(label="同一操作", widget=forms.HiddenInput)  # audit.operation's id

    class Meta:
        model = AuditEntry
        fields = []


_NOWRAP = {"th": {"class": "text-nowrap"}, "td": {"class": "text-nowrap"}}


class AuditTable(tables.Table):
    # Short columns stay on one line; the object and the changes keep a readable width (at phone width the
    # table scrolls sideways instead of squeezing the changes into a column one character wide).
    timestamp = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name="时间", attrs=_NOWRAP)
    actor_name = tables.Column("操作人", attrs=_NOWRAP)
    ip = tables.Column("IP地址", attrs=_NOWRAP)
    action = tables.Column("操作", attrs=_NOWRAP)
    model = tables.Column("对象类型", attrs=_NOWRAP)
    object_repr = tables.Column("对象", attrs={"td": {"style": "min-width: 10rem"}})
    changes = tables.Column("内容", empty_values=(), attrs={"td": {"style": "min-width: 20rem"}})

    class Meta:
        model = AuditEntry
        fields = ("timestamp", "actor_name", "ip", "action", "model", "object_repr", "changes")
        orderable = False
        attrs = {"class": "table table-vcenter card-table", "id": "audit-log"}
        empty_text = "暂无操作记录"

    def render_model(self, value):
        return MODEL_LABELS.get(value, value)

    def render_actor_name(self, record):
        return record.actor_shown

    def value_actor_name(self, record):
        return record.actor_shown

    def render_changes(self, record):
        def text(v):
            return "（空）" if v is None or v == "" else v

        parts = [f"{c['label']}：{text(c['old'])} → {text(c['new'])}" if c.get("old") is not None
                 else f"{c['label']}：{text(c['new'])}" for c in record.shown_changes]
        if record.note:
            parts.append(record.note)
        return "；".join(parts)

    value_model = render_model

    def value_changes(self, record):
        return self.render_changes(record)


# ---------------------------------------------------------------- the security log (安全日志)

A = AuditEntry.Action
# The kinds of security event the log filters by: a kind is a set of actions, or (账户与权限变更) every entry on a
# user account or its grants (the account pages' disable, reset, role and scope changes, whatever their action).
SECURITY_KINDS = {
    "login": ("登录成功", {A.LOGIN}),
    "login_failed": ("登录失败", {A.LOGIN_FAILED}),
    "logout": ("退出登录", {A.LOGOUT}),
    "lockout": ("账户锁定", {A.LOCKOUT}),
    "unlock": ("解除锁定", {A.UNLOCK}),
    "denied": ("拒绝访问", {A.DENIED}),
    "password": ("修改密码", {A.PASSWORD}),
    "account": ("账户与权限变更", None),
    "export": ("导出", {A.EXPORT}),
    "id_number": ("查看完整身份证号", {A.VIEW_ID_NUMBER}),
    "chain": ("操作日志维护（密钥、归档）", {A.KEY_SEAL, A.KEY_ROTATE, A.ARCHIVE}),
}


class SecurityFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="事件类型", method="filter_kind", empty_label="全部",
                                       choices=[(k, label) for k, (label, _) in SECURITY_KINDS.items()])
    user = django_filters.CharFilter(label="用户", field_name="actor_name", lookup_expr="exact")
    ip = django_filters.CharFilter(label="IP地址", field_name="ip", method="filter_ip")
    since = django_filters.DateFilter(label="起始日期", field_name="timestamp", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label="截止日期", field_name="timestamp", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEntry
        fields = []

    def filter_kind(self, queryset, name, value):
        from . import audit

        label, actions = SECURITY_KINDS[value]
        if actions is None:
            others = {a for _, acts in SECURITY_KINDS.values() if acts for a in acts}
            return queryset.filter(model__in=audit.SECURITY_MODELS).exclude(action__in=others)
        return queryset.filter(action__in=actions)

    def filter_ip(self, queryset, name, value):
        import ipaddress

        try:
            ipaddress.ip_address(value.strip())
        except ValueError:
            return queryset.none()
        return queryset.filter(ip=value.strip())


class SecurityTable(tables.Table):
    timestamp = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name="时间", attrs=_NOWRAP)
    action = tables.Column("事件", attrs=_NOWRAP)
    actor_name = tables.Column("用户", attrs=_NOWRAP)
    ip = tables.Column("IP地址", attrs=_NOWRAP)
    object_repr = tables.Column("对象", attrs={"td": {"style": "min-width: 10rem"}})
    changes = tables.Column("内容", empty_values=(), attrs={"td": {"style": "min-width: 16rem"}})
    user_agent = tables.Column("终端", attrs={"td": {"class": "small text-secondary", "style": "max-width: 16rem"}})

    class Meta:
        model = AuditEntry
        fields = ("timestamp", "action", "actor_name", "ip", "object_repr", "changes", "user_agent")
        orderable = False
        attrs = {"class": "table table-vcenter card-table", "id": "security-log"}
        empty_text = "暂无安全事件"

    def render_actor_name(self, record):
        return record.actor_shown

    value_actor_name = render_actor_name

    def render_object_repr(self, record):
        kind = MODEL_LABELS.get(record.model, "")
        return f"{kind}：{record.object_repr}" if kind else record.object_repr

    value_object_repr = render_object_repr

    def render_user_agent(self, value):  # the whole string in the export and on hover
        from django.utils.html import format_html

        return format_html('<span title="{}">{}</span>', value, value if len(value) <= 40 else value[:40] + "…")

    def value_user_agent(self, value):
        return value

    render_changes = AuditTable.render_changes
    value_changes = AuditTable.value_changes
