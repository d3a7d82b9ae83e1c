"""`zugong duty USERNAME sysadmin|secadmin|auditor`: create (or set) a system duty's account at installation.

三员分立: the duty accounts are not created through the pages, so no duty can make or change another's account.
The password comes from ZUGONG_DUTY_PASSWORD or is asked twice; it must meet the password policy and be changed
at first login.
"""

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from zugong.accounts import services
from zugong.accounts.models import User
from zugong.core.scope import Duty


class Command(BaseCommand):
    help = "设置系统职责账号（系统管理员 sysadmin、安全管理员 secadmin、安全审计员 auditor）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("duty", choices=Duty.values, help="系统职责")
        parser.add_argument("--display-name", default="", help="姓名（默认为职责名称）")

    def handle(self, *args, username, duty, display_name, **options):
        password = os.environ.get("ZUGONG_DUTY_PASSWORD")
        if not password:
            password = getpass.getpass("初始密码：")
            if password != getpass.getpass("再输入一次："):
                raise CommandError("两次输入的密码不一致")
        try:
            validate_password(password, User(username=username))
            user = services.create_duty_account(username, display_name or Duty(duty).label, password, duty)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"已设置 {user.username} 为{Duty(duty).label}，首次登录时须修改密码。")
