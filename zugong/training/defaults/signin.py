"""Training default configuration: sign-in (签到规则).

The numbers are common practice, not a regulation's: a code lasts 30 seconds (the current and the previous code
are accepted, so a trainee who scans at the last second still signs in), sign-in opens 30 minutes before a
session's start on the session's day, and an address is paused after 10 wrong entries in 15 minutes. Each
department replaces them with its own (`/training/signin/rules/`).
"""

from zugong.core import config

from ..models import SignInRules

RULES = [{"code": "signin.rules.default", "name": "培训签到规则（通行做法，默认值，请改为本地规定）", "window_seconds": 30,
          "open_before_minutes": 30, "close_after_minutes": 0, "guess_limit": 10, "guess_minutes": 15,
          "regulation": "培训签到的通行做法（请改为本地规定）"}]


@config.installer("training-signin", "培训签到：二维码刷新间隔、签到时间、错误次数上限", order=80)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    return config.install_rows(SignInRules, RULES, {"organization": organization, "active": True}, reset)
