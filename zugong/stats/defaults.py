"""The shipped table sets, installed with the other defaults (`zugong defaults install --domain stats-2017`,
`zugong seed`): national data, the same whatever organization they are installed for. A changed file in a new
release replaces the installed definition of its table (reports already submitted keep their frozen figures).

The numbers of the checks (审核要点) are configuration: the template `stats.yoy` (a `config.Template`, no rule
code: the checks read it when a report is checked) and its row `stats.yoy` (a `core.LocalRule`, installed by
`zugong defaults install --domain stats-checks`, edited on the local rule page `/core/local-rules/<pk>/`; a
department may issue its own row with the same template for its subtree — the nearest issuer's row wins)."""

from zugong.core import config
from zugong.core.models import LocalRule
from zugong.core.rules import UNVERIFIED_ARTICLE

from . import definitions

CHECK_POINTS = "党内统计年报审核要点"
YOY = "stats.yoy"

config.register(config.Template(
    YOY, "党内统计年报：与上年相比变化较大须说明", "stats",
    (config.Param("percent", "变化幅度超过", config.FLOAT, "%", 20,
                  help="与上年已上报数相比增减超过该比例"),
     config.Param("min_people", "且增减人数至少", config.INT, "名", 10,
                  help="增减的绝对数不足该数的不要求说明")),
    f"{CHECK_POINTS}（{UNVERIFIED_ARTICLE}）",
    "与上年相比变化较大的数据须说明原因"))

DEFAULTS = [{
    "code": YOY, "template": YOY, "title": "党内统计年报与上年相比变化较大的，须说明原因",
    "params": {"percent": 20, "min_people": 10}, "severity": "warning",
    "regulation": CHECK_POINTS, "article": UNVERIFIED_ARTICLE,
}]


@config.installer("stats-2017", "党内统计年报表式（2017年版）", order=300)
def install(organization, reset=False):
    return definitions.install("2017", reset=reset)


@config.installer("stats-checks", "党内统计年报审核要点（与上年相比变化较大须说明的界限）", order=301)
def install_checks(organization, reset=False):
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)


def yoy_thresholds(path: str) -> dict:
    """{"percent", "min_people"} for the organization at `path`: the `stats.yoy` row issued nearest above it
    (its own, an ancestor's, the national one), else the template's defaults."""
    params = config.template(YOY).defaults()
    row = (LocalRule.objects.unrestricted().applying_to(path).filter(template=YOY, active=True)
           .order_by("-org_path", "pk").first())
    if row is not None:
        params.update(row.params or {})
    return params
# The data-completeness check (`completeness`): its threshold is configuration, a department sets its own.
COMPLETENESS_DEFAULTS = [{
    "code": "stats.data_completeness",
    "template": "stats.data_completeness",
    "title": "党员和党组织统计信息完整度不低于95%",
    "params": {"threshold": 95},
    "severity": "warning",
    "regulation": "党内统计报表填报说明",
    "article": config.UNVERIFIED_ARTICLE,
}]


@config.installer("stats-completeness", "党内统计数据完整度检查（完整度下限）", order=310)
def install_completeness(organization, reset=False):
    from zugong.core.models import LocalRule

    return config.install_rows(LocalRule, COMPLETENESS_DEFAULTS, {"organization": organization, "active": True},
                               reset)
