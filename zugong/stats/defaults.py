"""The shipped table sets, installed with the other defaults (`zugong defaults install --domain stats-2017`,
`zugong seed`): national data, the same whatever organization they are installed for. A changed file in a new
release replaces the installed definition of its table (reports already submitted keep their frozen figures)."""

from zugong.core import config

from . import definitions


@config.installer("stats-2017", "党内统计年报表式（2017年版）", order=300)
def install(organization, reset=False):
    return definitions.install("2017", reset=reset)
