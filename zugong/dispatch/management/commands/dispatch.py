"""`zugong dispatch programs [--org CODE] [--reset]`: install the default dispatch programs."""

from django.core.management.base import BaseCommand, CommandError

from zugong.orgs.models import Organization

from ...defaults import install


class Command(BaseCommand):
    help = "干部选派：programs 安装默认的选派项目（第一书记、驻村工作队、墩苗、挂职；山西的做法）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["programs"])
        parser.add_argument("--org", help="本省做法的适用范围（组织代码，默认：根组织）")
        parser.add_argument("--reset", action="store_true", help="已有的项目也恢复为默认设定")

    def handle(self, *args, **opts):
        qs = Organization.objects.unrestricted()
        org = qs.filter(code=opts["org"]).first() if opts["org"] else qs.filter(depth=1).order_by("path").first()
        if opts["org"] and org is None:
            raise CommandError(f"组织代码 {opts['org']} 不存在")
        for code, created in install(org, opts["reset"]):
            state = "已安装" if created else ("已恢复默认设定" if opts["reset"] else "已存在，未改动")
            self.stdout.write(f"{code}：{state}")
