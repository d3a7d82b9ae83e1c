"""`zugong export lrmx --person 公民身份号码 OUT.lrmx` — a cadre's 任免审批表 as the official editor reads it.

    zugong export lrmx --person 140105196505170017 王建国.lrmx
    zugong export lrmx --person 1401… --person 1401… 两人.zip
    zugong export lrmx --org 140105 小店区干部.zip        (every cadre managed in the subtree)

Runs as a user (--user; default the only department administrator) and exports only cadres in that user's
scope. Several cadres, or an OUT ending in .zip, give a .zip of .lrmx files.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zugong.cadres.models import Cadre
from zugong.orgs.models import Organization
from zugong.people import idnumber

from ... import services
from ...cli import user_for


class Command(BaseCommand):
    help = "导出任免审批表：zugong export lrmx --person 公民身份号码 输出文件.lrmx"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["lrmx"], help="导出类型：lrmx（任免审批表）")
        parser.add_argument("out", help="输出文件（.lrmx；多人时为 .zip）")
        parser.add_argument("--person", action="append", default=[], help="干部的公民身份号码（可重复）")
        parser.add_argument("--org", help="导出该组织（代码）及下级管理的全部干部")
        parser.add_argument("--user", help="以哪个用户的身份导出（决定管辖范围）")

    def handle(self, *args, **opts):
        user = user_for(self, opts["user"])
        cadres = Cadre.objects.visible_to(user).select_related("person", "organization")
        if opts["person"]:
            numbers = []
            for raw in opts["person"]:
                try:
                    numbers.append(idnumber.parse_id_number(raw).number)
                except idnumber.IdNumberError as exc:
                    raise CommandError(f"公民身份号码“{raw}”不正确：{exc}") from None
            found = list(cadres.filter(person__id_number__in=numbers))
            missing = set(numbers) - {c.person.id_number for c in found}
            if missing:
                raise CommandError(f"管辖范围内没有这些干部：{'、'.join(sorted(missing))}")
        elif opts["org"]:
            org = Organization.objects.unrestricted().filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码 {opts['org']} 不存在")
            found = list(cadres.subtree(org.path).order_by("org_path", "post_order", "stroke_key"))
        else:
            raise CommandError("请用 --person 指定干部的公民身份号码，或用 --org 指定组织")
        if not found:
            raise CommandError("没有可导出的干部")
        out = Path(opts["out"])
        if len(found) == 1 and out.suffix.lower() != ".zip":
            out.write_bytes(services.lrmx_bytes(found[0]))
            self.stdout.write(f"已导出 {found[0].name} 的任免审批表：{out}")
            return
        data, n = services.export_zip(found)
        out.write_bytes(data)
        self.stdout.write(f"已导出 {n} 名干部的任免审批表：{out}")
