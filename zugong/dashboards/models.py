"""Precomputed subtree roll-ups for the dashboards (组织工作看板).

A `Rollup` row is one figure of one organization's whole subtree (itself included): a metric, an optional
period (a month for meeting compliance, a year for grades and weak organizations), a key (a meeting kind, an
organization kind and term state, a grade …) and two counts `n` and `m` whose meaning the metric gives
(e.g. compliance: n required periods, m compliant). Rows exist only for organizations with sub-organizations;
a leaf's dashboard reads its own source rows directly. Built set-based by `zugong.dashboards.rollups.refresh`
(one INSERT … SELECT per tree depth), stamped with `computed_at`; rebuilt by `zugong dashboards refresh` or
the page's background-job button. Derived data: not audited, rebuilt whole.
"""

from django.db import models

from zugong.core.scope import ScopedManager


class Rollup(models.Model):
    scope_field = "node_path"

    node = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.CASCADE,
                             related_name="+", db_constraint=False)
    node_path = models.CharField("组织路径", max_length=255)
    depth = models.PositiveSmallIntegerField("层级")
    metric = models.CharField("指标", max_length=24)
    period = models.DateField("期间", null=True, blank=True)
    key = models.CharField("分类", max_length=48, blank=True)
    n = models.BigIntegerField("数量", default=0)
    m = models.BigIntegerField("数量二", default=0)
    computed_at = models.DateTimeField("计算时间")

    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "看板汇总"
        indexes = [models.Index(fields=["node", "metric", "period"], name="rollup_node_metric"),
                   models.Index(fields=["metric", "depth"], name="rollup_metric_depth")]

    def __str__(self):
        return f"{self.node_path} {self.metric} {self.period or ''} {self.key}"


class RollupRun(models.Model):
    """One refresh of the roll-ups: when, as of which day, how long, how many rows per metric."""

    computed_at = models.DateTimeField("计算时间")
    as_of = models.DateField("统计截止日期")
    seconds = models.FloatField("用时（秒）", default=0)
    rows = models.JSONField("各指标行数", default=dict)
    reminder_months = models.PositiveSmallIntegerField("换届提醒提前月数", default=6)

    class Meta:
        verbose_name = verbose_name_plural = "看板汇总计算记录"
        ordering = ["-computed_at", "-id"]

    def __str__(self):
        return f"{self.computed_at:%Y-%m-%d %H:%M}"


class DueOrganization(models.Model):
    """An organization whose election is overdue or falls due within the reminder window, as of the last
    refresh: the dashboard's list of organizations to elect, read per subtree without evaluating every term."""

    scope_field = "org_path"

    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="+", db_constraint=False)
    org_path = models.CharField("组织路径", max_length=255)
    kind = models.CharField("类别", max_length=16)
    overdue = models.BooleanField("已逾期")
    term_started_on = models.DateField("本届任期开始", null=True)
    term_ends_on = models.DateField("任期届满")
    election_due = models.DateField("换届期限")
    computed_at = models.DateTimeField("计算时间")

    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "需换届的组织"
        indexes = [models.Index(fields=["org_path", "election_due"], name="due_path_date"),
                   models.Index(fields=["election_due"], name="due_date")]

    def __str__(self):
        return self.org_path
