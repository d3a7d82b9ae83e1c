"""API token authentication: `Authorization: Token <key>`; the key is looked up by its SHA-256 digest
(`ApiToken`), expired tokens are refused. Named in REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES, so this
module is loaded while `rest_framework.views` is imported: it imports no view module and reads the models
lazily."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        from .models import ApiToken

        token = ApiToken.find(key)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效、已过期或已被撤销")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("该账号已停用")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
