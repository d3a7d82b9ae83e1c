"""Models of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes.

Grades (《党政领导干部考核工作条例》2019: modes 平时/年度/专项/任期, 第二条):
- `TeamAssessment`: a leadership team (`teams.LeadershipTeam`) graded 好/较好/一般/较差 for a year and mode;
- `LeaderAssessment`: a leader of that team graded 优秀/称职/基本称职/不称职;
- `ExcellenceBar`: the situations that bar the top grade, configuration rows (their wording is to be checked
  against the regulation's text); an assessor ticks those that apply (kept on the grade as code + text).

Online 民主测评:
- `BallotRules`: the validity rules, points and thresholds (configuration);
- `BallotRound`: a round of an organization (title, year, mode, dates, status 准备中/进行中/已结束) with its
  `BallotSubject`s (a team and its members), `VoterClass`es with weights, `CodeBatch`es of one-use
  `VoterCode`s (only a keyed hash is stored; the plain codes of a batch are kept sealed until its slips are
  printed, then erased) and the `Ballot`s with their `BallotMark`s.
- Anonymity: a ballot records its class and the day only. It has no link to its code (the code row only turns
  `used`, with no time), its key is random (no order of casting) and casting writes no audit entry per ballot.
- wrong code entries are counted by `core.guesses` (purpose "ballot-client"), for the rate limit.
"""

import uuid

from django.conf import settings
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel

__all__: list[str] = [
    "Mode", "TeamGrade", "LeaderGrade", "ExcellenceBar", "TeamAssessment", "LeaderAssessment", "BallotRules",
    "BallotRound", "VoterClass", "BallotSubject", "CodeBatch", "VoterCode", "Ballot", "BallotMark",
]

REGULATION = "《党政领导干部考核工作条例》"


class Mode(models.TextChoices):
    ROUTINE = "routine", "平时考核"
    ANNUAL = "annual", "年度考核"
    SPECIAL = "special", "专项考核"
    TERM = "term", "任期考核"


class TeamGrade(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "较差"


class LeaderGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"


# ---------------------------------------------------------------- grades of teams and leaders


class ExcellenceBar(ConfigModel):
    """A situation that bars the top grade (好 for a team, 优秀 for a leader)."""

    class AppliesTo(models.TextChoices):
        BOTH = "both", "领导班子和领导干部"
        TEAM = "team", "领导班子"
        LEADER = "leader", "领导干部"

    organization = models.ForeignKey("orgs.Organization", verbose_name="制定单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("代码", max_length=60, unique=True)
    order = models.PositiveSmallIntegerField("序号", default=0)
    text = models.TextField("情形")
    applies_to = models.CharField("适用于", max_length=10, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    regulation = models.CharField("依据", max_length=100, default=REGULATION + "（2019年）")
    article = models.CharField("条款", max_length=40, blank=True)
    note = models.TextField("说明", blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "不得评为优秀的情形"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text

    @property
    def citation(self) -> str:
        return f"{self.regulation}{self.article}"


class GradeBase(ScopedModel, AuditedModel):
    """What a team's and a leader's grade share: the team, the period, the ticked barring situations."""

    scope = Inherited("team")
    audit_exclude = ("org_path", "created_at", "updated_at")

    team = models.ForeignKey("teams.LeadershipTeam", verbose_name="领导班子", on_delete=models.PROTECT,
                             related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    mode = models.CharField("考核方式", max_length=10, choices=Mode.choices, default=Mode.ANNUAL)
    period = models.CharField("期间", max_length=40, blank=True, help_text="平时考核写季度，任期考核写任期，如“2021—2026年”")
    assessed_on = models.DateField("评定日期")
    bars = models.JSONField("不得评为优秀的情形", default=list, blank=True)  # [{"code": …, "text": …}]
    round = models.ForeignKey("assessment.BallotRound", verbose_name="民主测评", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def audit_display(self, field, value):
        if field == "bars":
            return "、".join(b.get("text", "") for b in value or []) or "无"
        return super().audit_display(field, value)

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.get_mode_display()}" + (f"（{self.period}）" if self.period else "")


class TeamAssessment(GradeBase):
    grade = models.CharField("等次", max_length=12, choices=TeamGrade.choices)

    class Meta:
        verbose_name = verbose_name_plural = "领导班子考核"
        ordering = ["-year", "org_path", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "year", "mode", "period"], name="team_grade_once")]

    def __str__(self):
        return f"{self.team}·{self.period_label}" if self.team_id else self.period_label


class LeaderAssessment(GradeBase):
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="领导干部", on_delete=models.PROTECT, related_name="+")
    post_title = models.CharField("职务", max_length=100, blank=True)
    grade = models.CharField("等次", max_length=12, choices=LeaderGrade.choices)

    class Meta:
        verbose_name = verbose_name_plural = "领导干部考核"
        ordering = ["-year", "org_path", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "cadre", "year", "mode", "period"],
                                               name="leader_grade_once")]

    def __str__(self):
        return f"{self.cadre.name if self.cadre_id else ''}·{self.period_label}"


# ---------------------------------------------------------------- 民主测评


class BallotRules(ConfigModel):
    """Validity rules, points and thresholds of a 民主测评 (local practice: each department sets its own)."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="制定单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("代码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    top_cap = models.CharField("每张票“优秀”上限", max_length=20, default="1/3", blank=True,
                               help_text="占本票领导干部人数的比例（至少1人），如 1/3、30%；留空为不限")
    uniform_void = models.BooleanField("评价完全相同的票无效", default=True)
    uniform_min = models.PositiveSmallIntegerField("评价相同判无效的最少人数", default=3,
                                                   help_text="票上领导干部不少于此人数时才适用")
    trim_over = models.PositiveSmallIntegerField("去掉最高最低分的人数界限", default=10,
                                                 help_text="某一类别投票人数超过此数时，去掉最高和最低分后平均；0 为不去掉")
    trim_each = models.PositiveSmallIntegerField("两端各去掉", default=1)
    points = models.CharField("各等次分值", max_length=40, default="100,80,60,0",
                              help_text="从高到低四个等次的分值，用逗号分隔")
    fail_share = models.CharField("最低等次票比例超过", max_length=20, default="1/3",
                                  help_text="“不称职”（“较差”）票超过此比例的，列为需关注")
    pass_share = models.CharField("前两个等次票比例不足", max_length=20, default="2/3",
                                  help_text="“优秀”“称职”（“好”“较好”）票合计不足此比例的，列为应予诫勉或调整")
    follow_up_days = models.PositiveSmallIntegerField("结果处理期限（天）", default=30,
                                                      help_text="测评结束后，需关注的对象应在此天数内登记处理情况")
    classes = models.JSONField("默认投票人类别", default=list, blank=True)  # [{"name": …, "weight": …}]
    regulation = models.CharField("依据", max_length=100, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "民主测评规则"
        ordering = ["org_path", "pk"]

    def __str__(self):
        return self.name

    def audit_display(self, field, value):
        if field == "classes":
            return "、".join(f"{c.get('name')}：{c.get('weight')}" for c in value or [])
        return super().audit_display(field, value)


class BallotRound(ScopedModel, AuditedModel):
    """A 民主测评 round of an organization."""

    class Status(models.TextChoices):
        SETUP = "setup", "准备中"
        OPEN = "open", "进行中"
        CLOSED = "closed", "已结束"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at", "results", "params")

    organization = models.ForeignKey("orgs.Organization", verbose_name="组织单位", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    title = models.CharField("测评名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    mode = models.CharField("考核方式", max_length=10, choices=Mode.choices, default=Mode.ANNUAL)
    team = models.ForeignKey("teams.LeadershipTeam", verbose_name="测评班子", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    rules = models.ForeignKey(BallotRules, verbose_name="测评规则", on_delete=models.PROTECT, related_name="+")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SETUP)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    follow_up_by = models.DateField("结果处理期限", null=True, blank=True,
                                    help_text="结束时按测评规则的处理期限算出：需关注的对象应在此日前登记处理情况")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="结束人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    params = models.JSONField("结束时的测评规则", default=dict, blank=True)
    results = models.JSONField("结束时的统计", default=dict, blank=True)  # totals; per subject on the subject
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "民主测评"
        ordering = ["-opens_on", "-pk"]

    def __str__(self):
        return self.title

    @property
    def closed(self) -> bool:
        return self.status == self.Status.CLOSED


class VoterClass(ScopedModel, AuditedModel):
    """A class of voters (班子成员 / 中层干部 / 其他干部群众) with its weight."""

    scope = Inherited("round")
    audit_exclude = ("org_path", "created_at", "updated_at")

    round = models.ForeignKey(BallotRound, verbose_name="民主测评", on_delete=models.CASCADE, related_name="classes")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    name = models.CharField("类别", max_length=40)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "投票人类别"
        ordering = ["round", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="voterclass_name_once")]

    def __str__(self):
        return self.name


class BallotSubject(ScopedModel, AuditedModel):
    """Who is evaluated: the team itself or one of its members (taken from the teams app)."""

    class Kind(models.TextChoices):
        TEAM = "team", "领导班子"
        LEADER = "leader", "领导干部"

    class FollowUp(models.TextChoices):
        ADMONISH = "admonish", "诫勉"
        ADJUST = "adjust", "组织调整"
        REMIND = "remind", "提醒谈话"
        NONE = "none", "经核实不作处理"

    scope = Inherited("round")
    audit_exclude = ("org_path", "created_at", "updated_at", "result")

    round = models.ForeignKey(BallotRound, verbose_name="民主测评", on_delete=models.CASCADE,
                              related_name="subjects")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    kind = models.CharField("对象", max_length=10, choices=Kind.choices)
    team = models.ForeignKey("teams.LeadershipTeam", verbose_name="领导班子", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="领导干部", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=100)
    title = models.CharField("职务", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    result = models.JSONField("测评结果", default=dict, blank=True)  # frozen at close (ballots_tally.SubjectResult)
    flagged = models.BooleanField("需关注", default=False)
    follow_up = models.CharField("处理情况", max_length=10, choices=FollowUp.choices, blank=True)
    follow_up_on = models.DateField("处理日期", null=True, blank=True)
    follow_up_note = models.TextField("处理说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "测评对象"
        ordering = ["round", "order", "pk"]

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


class CodeBatch(ScopedModel, AuditedModel):
    """Codes issued at once for one class; `sealed` holds the plain codes (encrypted) until the slips are
    printed, then it is emptied: from then on only the codes' keyed hashes exist."""

    scope = Inherited("round")
    audit_exclude = ("org_path", "created_at", "updated_at", "sealed")

    round = models.ForeignKey(BallotRound, verbose_name="民主测评", on_delete=models.CASCADE, related_name="batches")
    voter_class = models.ForeignKey(VoterClass, verbose_name="投票人类别", on_delete=models.CASCADE,
                                    related_name="batches")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    count = models.PositiveIntegerField("数量")
    sealed = models.TextField(blank=True)
    printed_at = models.DateTimeField("打印确认时间", null=True, blank=True)
    created_at = models.DateTimeField("发放时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "投票码批次"
        ordering = ["round", "pk"]

    def __str__(self):
        return f"{self.voter_class.name if self.voter_class_id else ''} {self.count} 个"


class VoterCode(ScopedModel):
    """A one-use code: its keyed hash, its class, and whether it was used (no time: nothing to match a ballot)."""

    scope = Inherited("round", stored=False)

    round = models.ForeignKey(BallotRound, on_delete=models.CASCADE, related_name="codes")
    voter_class = models.ForeignKey(VoterClass, on_delete=models.CASCADE, related_name="codes")
    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=32, unique=True)
    key_id = models.PositiveSmallIntegerField(default=1)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = "投票码"
        indexes = [models.Index(fields=["voter_class", "used"], name="votercode_class_used")]


class Ballot(ScopedModel):
    """A cast ballot: its class and day only (random key; no code, no time, no voter)."""

    scope = Inherited("round", stored=False)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(BallotRound, on_delete=models.CASCADE, related_name="ballots")
    voter_class = models.ForeignKey(VoterClass, on_delete=models.CASCADE, related_name="ballots")
    cast_on = models.DateField("投票日期")

    class Meta:
        verbose_name = verbose_name_plural = "测评票"


class BallotMark(ScopedModel):
    scope = Inherited("ballot", stored=False)

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    subject = models.ForeignKey(BallotSubject, on_delete=models.CASCADE, related_name="marks")
    level = models.PositiveSmallIntegerField("等次")  # 1 top … 4 bottom

    class Meta:
        verbose_name = verbose_name_plural = "测评票评价"
        constraints = [models.UniqueConstraint(fields=["ballot", "subject"], name="ballotmark_once")]
