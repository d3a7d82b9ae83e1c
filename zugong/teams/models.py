"""Leadership teams (领导班子) of units: their posts with quotas (职数) and who holds each post.

A `LeadershipTeam` is the team of one unit (中共××县委, ××县人民政府, ××镇党委 …) at a level (1 省部级 … 4 乡科级).
A `TeamPost` is a post of the team with its quota (书记 1, 副县长 5 …). Holding a post is a `TeamMember`: the
link between the team post and the cadre's `cadres.CadrePost` (one to one). The holder holds the post while
that CadrePost is current (started, not ended), so an appointment or removal made through
`zugong.cadres.services` is what changes the team; nothing is copied here but the cadre (for the index).

Vacancy: a team post has fewer current holders than its quota. It is vacant since the latest end of a
holder's post, or since `vacant_since` (the day the post was created or a recorded date) when that is later
or no holder was ever linked (see `queries.vacancy_since`).
"""

from __future__ import annotations

from django.db import models

from zugong.cadres import ranks
from zugong.core.audit import AuditedModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel

TEAM_LEVELS = [(level, name) for level, name in ranks.LEVELS.items() if level <= 4]


class LeadershipTeam(ScopedModel, AuditedModel):
    """The leadership team of a unit (领导班子)."""

    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", "党委"
        GOVERNMENT = "government", "政府"
        CONGRESS = "congress", "人大常委会"
        CPPCC = "cppcc", "政协"
        DISCIPLINE = "discipline", "纪委监委"
        DEPARTMENT = "department", "工作部门"
        ENTERPRISE = "enterprise", "企事业单位"
        OTHER = "other", "其他"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    unit = models.ForeignKey("orgs.Unit", verbose_name="单位", on_delete=models.PROTECT,
                             related_name="leadership_teams")
    organization = models.ForeignKey("orgs.Organization", verbose_name="所属党组织", on_delete=models.PROTECT,
                                     related_name="leadership_teams",
                                     help_text="班子所在单位的党组织（决定谁能看到和管理这个班子）")
    org_path = models.CharField("所属组织路径", max_length=255)
    name = models.CharField("班子名称", max_length=100)
    level = models.PositiveSmallIntegerField("班子层级", choices=TEAM_LEVELS)
    kind = models.CharField("班子类别", max_length=20, choices=Kind.choices, default=Kind.PARTY_COMMITTEE)
    term_started_on = models.DateField("本届任期开始", null=True, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "领导班子"
        ordering = ["org_path", "order", "pk"]
        indexes = [models.Index(fields=["org_path", "level"], name="team_path_level")]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="team_name_unique_in_unit")]

    def __str__(self):
        return self.name

    @property
    def level_name(self) -> str:
        return ranks.LEVELS.get(self.level, "")


class TeamPost(ScopedModel, AuditedModel):
    """A post of a leadership team with its quota (职数)."""

    scope = Inherited("team")
    audit_exclude = ("org_path", "created_at", "updated_at")

    team = models.ForeignKey(LeadershipTeam, verbose_name="领导班子", on_delete=models.CASCADE, related_name="posts")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    title = models.CharField("职务名称", max_length=100, help_text="如 书记、副书记、县长、副县长、常委")
    rank = models.CharField("职务层次", max_length=20, choices=ranks.RANK_CHOICES, blank=True)
    quota = models.PositiveSmallIntegerField("职数", default=1)
    order = models.PositiveIntegerField("排序", default=0)
    vacant_since = models.DateField("空缺起始日", null=True, blank=True,
                                    help_text="设立岗位之日或录入的空缺起始日；此后有任职者免职的，按免职之日计算")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "班子职位"
        ordering = ["team", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "title"], name="teampost_title_unique_in_team")]

    def __str__(self):
        return f"{self.team.name}·{self.title}" if self.team_id else self.title

    @property
    def rank_name(self) -> str:
        return ranks.name_of(self.rank)


class TeamMember(ScopedModel, AuditedModel):
    """A cadre holding a team post: the link to the cadre's post record (任职记录)."""

    scope = Inherited("team_post")
    audit_exclude = ("org_path", "created_at", "updated_at")

    team_post = models.ForeignKey(TeamPost, verbose_name="班子职位", on_delete=models.CASCADE, related_name="members")
    team = models.ForeignKey(LeadershipTeam, verbose_name="领导班子", on_delete=models.CASCADE, related_name="members")
    post = models.OneToOneField("cadres.CadrePost", verbose_name="任职记录", on_delete=models.CASCADE,
                                related_name="team_member")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="team_seats")
    org_path = models.CharField("所属组织路径", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "班子成员"
        ordering = ["team_post", "pk"]
        indexes = [models.Index(fields=["org_path", "cadre"], name="teammember_path_cadre"),
                   models.Index(fields=["team_post", "cadre"], name="teammember_post_cadre")]

    def __str__(self):
        name = self.cadre.name if self.cadre_id else ""
        return f"{self.team_post}：{name}" if self.team_post_id else name

    def save(self, *args, **kwargs):
        if self.team_post_id:
            self.team_id = self.team_post.team_id
        if self.post_id:
            self.cadre_id = self.post.cadre_id
        super().save(*args, **kwargs)
