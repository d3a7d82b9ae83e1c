"""`zugong recruitment local-rules [--org CODE] [--reset]`: an alias of
`zugong defaults install --domain recruitment` (the defaults are in `zugong/recruitment/defaults.py`)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "发展党员：local-rules 安装默认的本地规则（同 zugong defaults install --domain recruitment）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["local-rules"])
        parser.add_argument("--org", help="适用范围的组织代码（默认：根组织）")
        parser.add_argument("--reset", action="store_true", help="已有的同名规则也恢复为默认值")

    def handle(self, *args, **opts):
        org = ["--org", opts["org"]] if opts["org"] else []
        reset = ["--reset"] if opts["reset"] else []
        call_command("defaults", "install", "--domain", "recruitment", *org, *reset, stdout=self.stdout)
