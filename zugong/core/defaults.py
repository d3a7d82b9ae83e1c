"""The default schedule (定时任务): what runs every night, in this order, through the task worker. Installed
with the other defaults (`zugong defaults install`, the demo seed, or `zugong scheduler` on an empty table);
a row present keeps an administrator's time and switch (`--reset` restores these)."""

import datetime as dt

from . import config
from .models import ScheduledTask

DEFAULTS = [
    {"code": "compliance", "title": "组织生活落实情况重新计算", "kind": "compliance_refresh", "params": {},
     "at": dt.time(1, 0), "order": 10, "note": "按会议记录重新计算各组织每期“三会一课”等的落实情况"},
    {"code": "scan", "title": "规则检查（全部组织）", "kind": "scan", "params": {"paths": [""]},
     "at": dt.time(1, 30), "order": 20, "note": "按全部规则检查整个组织体系，新增和消除问题预警"},
    {"code": "weakorgs_measures", "title": "软弱涣散排查数据计算", "kind": "weakorgs_measures", "params": {},
     "at": dt.time(2, 0), "order": 22,
     "note": "按认定标准计算各党支部的组织生活达标率、党费欠交率、班子配备等，供软弱涣散排查页面读取"},
    {"code": "uploads", "title": "删除过期的上传文件", "kind": "uploads_cleanup", "params": {},
     "at": dt.time(2, 30), "order": 25, "note": "删除保存期已过的导入文件（默认导入结束即删除；未确认的任免审批表预览保留一天）"},
    {"code": "dashboards", "title": "组织工作看板数据刷新", "kind": "dashboards_refresh", "params": {},
     "at": dt.time(3, 0), "order": 30, "note": "重新汇总看板的各项统计"},
    {"code": "reminders", "title": "到期提醒", "kind": "reminders", "params": {},
     "at": dt.time(6, 30), "order": 40, "note": "把临近的期限和新的问题预警发给负责的用户"},
]


@config.installer("schedule", "定时任务（每晚的规则检查、数据刷新和提醒）", order=200)
def install(organization, reset=False):
    """System-wide rows: the organization the defaults are installed for does not matter."""
    return config.install_rows(ScheduledTask, DEFAULTS, {"organization": None, "enabled": True}, reset)
