"""The default lead times of reminders: 30, 7 and 1 days before a deadline, and once when it is overdue."""

from zugong.core import config

from .models import LeadTime

DEFAULTS = [
    {"code": "notifications.lead.default", "kind": "", "days": "30、7、1", "overdue": True},
]


@config.installer("notifications", "提醒的提前天数", order=200)
def install(organization, reset=False):
    # national rows (no issuing organization): they apply everywhere until a department issues its own
    return config.install_rows(LeadTime, DEFAULTS, {"organization": None, "active": True}, reset)
