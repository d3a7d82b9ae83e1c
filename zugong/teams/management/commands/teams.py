"""The default composition standards of leadership teams: `zugong defaults install --domain teams`.

`zugong teams build [--org CODE]`: build teams from the cadres' current leadership posts (units that already
have a team are skipped, so it is idempotent) and install the default standards; used by bench/seed_bench.py.

`zugong teams link [--org CODE]`: link the current post records of cadres (cadres.CadrePost) to the team post
of the same unit and title where a team has such a post and the link is missing (set-based; for data
imported into the cadre records before the teams were set up).
"""

from django.core.management.base import BaseCommand, CommandError

from zugong.orgs.models import Organization

from ... import defaults


class Command(BaseCommand):
    help = "领导班子：build 由干部现任职务生成班子；link 把现任职务记录关联到同单位同名的班子职位"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["build", "link"])
        parser.add_argument("--org", help="组织代码（默认：根组织）")

    def handle(self, *args, **opts):
        if opts["org"]:
            org = Organization.objects.unrestricted().filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码 {opts['org']} 不存在")
        else:
            org = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
            if org is None:
                raise CommandError("还没有党组织，请先建立组织体系（例如 zugong seed）")
        if opts["action"] == "build":
            import time

            from ...build import build_from_posts

            from ...models import LeadershipTeam

            existing = LeadershipTeam.objects.unrestricted().count()
            if existing and not opts["org"]:
                defaults.install(org)
                self.stdout.write(f"已有 {existing:,} 个领导班子，跳过生成")
                return
            started = time.perf_counter()
            counts = build_from_posts(org.path if opts["org"] else "", log=lambda s: self.stdout.write(s))
            defaults.install(org)
            self.stdout.write(f"领导班子：新建 {counts['teams']:,} 个班子、{counts['posts']:,} 个职位、"
                              f"{counts['members']:,} 名成员，用时 {time.perf_counter() - started:.1f} 秒")
        else:
            from ...build import link_current_posts

            n = link_current_posts(org.path)
            self.stdout.write(f"已关联 {n} 条现任职务记录（{org.name}）")
