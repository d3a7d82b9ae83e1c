"""`zugong import lrmx PATH [--user U] [--org 代码] [--dry-run] [--confirm-name-matches]` (through the core
import command) and the helpers of `zugong export lrmx`."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import CommandError

from zugong.core import imports, scope
from zugong.orgs.models import Organization

from . import services
from .sources import read_path


def user_for(command, username: str | None):
    """The acting user: --user, or the only department administrator."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在或已停用")
        return user
    admins = list(User.objects.filter(is_active=True, grants__role=scope.Role.DEPT_ADMIN).distinct()[:2])
    if len(admins) != 1:
        raise CommandError("请用 --user 指定以哪个用户的身份操作")
    command.stdout.write(f"以用户 {admins[0].username} 的身份操作")
    return admins[0]


def target_org(user, code: str | None) -> Organization:
    if code:
        org = Organization.objects.unrestricted().filter(code=code).first()
        if org is None:
            raise CommandError(f"组织代码 {code} 不存在")
        if not scope.can(user, "manage", org.path):
            raise CommandError(f"用户 {user.username} 无权向“{org.name}”导入")
        return org
    paths = scope.scope_paths(user, "manage")
    if not paths:
        raise CommandError(f"用户 {user.username} 没有导入数据的权限（需要党组织管理员或组织部管理员角色）")
    return Organization.objects.unrestricted().get(path=paths[0])


def import_lrmx(command, path: Path, opts) -> None:
    if not path.exists():
        raise CommandError(f"文件或文件夹不存在：{path}")
    user = user_for(command, opts.get("user"))
    org = target_org(user, opts.get("org"))
    started = time.monotonic()
    sources = read_path(path)
    if not sources:
        raise CommandError(f"{path} 中没有 .lrmx、.lrm 或 .zip 文件")
    if opts.get("dry_run"):
        rows = services.preview(sources, user, org)
    else:
        rows = services.import_files(sources, user, org, confirmed=None if opts.get("confirm_name_matches") else [],
                                     note=f"任免审批表导入（命令行：{path.name}）")
    for line in services.report_lines(rows):
        command.stdout.write(line)
    s = services.summary(rows)
    verb = "预览" if opts.get("dry_run") else f"已导入 {s['written']} 个"
    command.stdout.write(
        f"共 {s['total']} 个文件，{verb}：新增 {s['new']}，按身份证号匹配 {s['matched_id']}，"
        f"按姓名和出生年月匹配 {s['matched_name']}，不在管辖范围 {s['out_of_scope']}，无法导入 {s['error']}"
        f"（{time.monotonic() - started:.1f} 秒）"
    )
    if not opts.get("dry_run") and s["written"] == 0:
        raise CommandError("没有导入任何文件")


imports.FILE_IMPORTERS["lrmx"] = ("任免审批表 .lrmx/.lrm（文件、文件夹或 .zip）", import_lrmx)
