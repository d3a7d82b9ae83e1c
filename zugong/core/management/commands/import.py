"""`zugong import KIND FILE.xlsx [--user USERNAME] [--mode all|valid] [--rejected OUT.xlsx]`

Run any registered Excel import (`zugong.core.imports.IMPORTERS`: people, orgs, recruitment, …) from the
command line. It is the same job the import page runs: the same checks, the same all-or-nothing or
valid-rows-only write, attributed to a user and limited to the organizations that user may manage. The job
also shows on that user's import page. Without --user, the only department administrator account is used.

    zugong import recruitment 发展党员台账.xlsx --user admin
    zugong import recruitment 台账.xlsx --user city --mode valid --rejected 未导入的行.xlsx

Other file kinds register in `imports.FILE_IMPORTERS` (e.g. `zugong import lrmx 文件夹或.zip --org 1401`).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError

from zugong.core import imports, jobs, scope
from zugong.core.models import Job


class Command(BaseCommand):
    help = "导入 Excel 数据：zugong import 类型 文件.xlsx [--user 用户名] [--mode all|valid]"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="数据类型（recruitment 发展党员台账、people 人员、orgs 党组织 …）")
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--user", help="以哪个用户的身份导入（决定管辖范围，记入操作日志）")
        parser.add_argument("--mode", choices=["all", "valid"], default="all",
                            help="all：全部正确才导入（默认）；valid：只导入正确的行")
        parser.add_argument("--rejected", help="未导入的行（含错误原因）写入此文件；默认写在原文件旁")
        parser.add_argument("--org", help="lrmx：新建人员登记到哪个组织（组织代码，默认用户管辖范围的顶层组织）")
        parser.add_argument("--dry-run", action="store_true", help="lrmx：只预览将要发生的修改，不写入")
        parser.add_argument("--confirm-name-matches", action="store_true",
                            help="lrmx：按姓名和出生年月匹配到的人员也导入（默认只报告，不导入）")
        declared: dict[str, list[str]] = {}  # the importers' own options (`Importer.options`), e.g. --scheme
        for importer in imports.IMPORTERS.values():
            for name, text in importer.options.items():
                declared.setdefault(name, []).append(f"{importer.kind}：{text}")
        for name, texts in sorted(declared.items()):
            parser.add_argument(f"--{name}", help="；".join(texts))

    def handle(self, *args, **opts):
        if opts["kind"] in imports.FILE_IMPORTERS:
            return imports.FILE_IMPORTERS[opts["kind"]][1](self, Path(opts["file"]), opts)
        importer = imports.IMPORTERS.get(opts["kind"])
        if importer is None:
            titles = {**{k: i.title for k, i in imports.IMPORTERS.items()},
                      **{k: t for k, (t, _h) in imports.FILE_IMPORTERS.items()}}
            kinds = "、".join(f"{k}（{t}）" for k, t in sorted(titles.items()))
            raise CommandError(f"没有“{opts['kind']}”这种导入，可选：{kinds}")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        if path.suffix.lower() != ".xlsx":
            raise CommandError("只支持 .xlsx 格式的 Excel 文件（旧版 .xls 请先另存为 .xlsx）")
        user = self._user(opts["user"])
        paths = scope.scope_paths(user, "manage")
        if not paths:
            raise CommandError(f"用户 {user.username} 没有导入数据的权限（需要党组织管理员或组织部管理员角色）")
        options = {name: opts[name] for name in importer.options if opts.get(name) is not None}
        job = Job(kind="import", title=f"{importer.title}导入：{path.name}", user=user, org_path=paths[0],
                  params={"importer": importer.kind, "mode": opts["mode"], "source": "命令行", "options": options})
        job.input_file.save(path.name, ContentFile(path.read_bytes()), save=False)
        job.save()
        job = jobs.submit(job, run_now=True)
        for error in job.result.get("errors", []):
            self.stderr.write(error)
        if job.output_file:
            target = Path(opts["rejected"] or path.with_name(f"{path.stem}-未导入的行.xlsx"))
            with job.output_file.open("rb") as fh:
                target.write_bytes(fh.read())
            self.stdout.write(f"未导入的行已写入 {target}")
        if job.status != Job.Status.DONE:
            raise CommandError(job.message or "导入失败")
        self.stdout.write(job.message)

    def _user(self, username):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"用户 {username} 不存在或已停用")
            return user
        admins = list(User.objects.filter(is_active=True, grants__role=scope.Role.DEPT_ADMIN).distinct()[:2])
        if len(admins) != 1:
            raise CommandError("请用 --user 指定以哪个用户的身份导入")
        self.stdout.write(f"以用户 {admins[0].username} 的身份导入")
        return admins[0]
