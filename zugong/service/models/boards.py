"""Public display pages (党群服务中心公示屏): a read-only page per organization subtree, opened by an
unguessable address an administrator creates (and can withdraw), showing items, status and satisfaction without
personal data."""

from __future__ import annotations

import secrets

from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.scope import OwnSubtree, ScopedModel

__all__ = ["PublicBoard"]


def _token() -> str:
    return secrets.token_urlsafe(18)


class PublicBoard(ScopedModel, AuditedModel):
    scope = OwnSubtree("organization")

    organization = models.ForeignKey("orgs.Organization", verbose_name="展示组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    title = models.CharField("标题", max_length=100)
    token = models.CharField("访问令牌", max_length=40, unique=True, default=_token, editable=False)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办实事公示屏"

    def __str__(self) -> str:
        return self.title
