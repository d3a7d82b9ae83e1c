"""The shipped table sets, installed with the other defaults (`zugong defaults install --domain stats-2017`,
`zugong seed`): national data, the same whatever organization they are installed for. A changed file in a new
release replaces the installed definition of its table (reports already submitted keep their frozen figures)."""

from zugong.core import config

from . import definitions


@config.installer("stats-2017", "党内统计年报表式（2017年版）", order=300)
def install(organization, reset=False):
    return definitions.install("2017", reset=reset)


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
