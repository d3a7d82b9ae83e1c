"""`zugong elections bench-data`: for a province-scale benchmark database seeded before elections existed, add
the seed's elections for one organization in ten and its postponements, and the default reminder before a term
ends (idempotent: nothing when any election exists; called by bench/seed_bench.py). The reminder alone:
`zugong defaults install --domain elections`.
"""

from django.core.management.base import BaseCommand, CommandError

from zugong.orgs.models import Organization

from ...defaults import install


class Command(BaseCommand):
    help = "换届选举：bench-data 为性能测试数据补充选举记录（默认本地规则见 zugong defaults install --domain elections）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["bench-data"])

    def handle(self, *args, **opts):
        return self.bench_data()

    def bench_data(self):
        from django.db import transaction

        from zugong.demo.elections import seed_elections

        from ...models import Election, TermAdjustment

        if Election.objects.unrestricted().exists() or TermAdjustment.objects.unrestricted().exists():
            self.stdout.write("elections: 已有选举记录，跳过")
            return
        root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
        if root is None:
            raise CommandError("还没有党组织")
        with transaction.atomic():
            counts = seed_elections(1, log=self.stdout.write, rate=0.1)
            install(root)
        self.stdout.write(f"elections: {counts}")
