"""The password policy's validators (AUTH_PASSWORD_VALIDATORS in settings), each with a Chinese message.

Django's own MinimumLengthValidator answered in English ("This password is too short…": its plural form has no
Chinese translation), so the length rule is ours too.
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号", lambda ch: not ch.isalnum()),
)


def classes_of(password: str) -> int:
    """How many of the four character classes (upper, lower, digit, symbol) the password uses."""
    return sum(any(test(ch) for ch in password) for _n, test in CLASSES)


class LengthValidator:
    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短：至少 {self.min_length} 个字符，现在只有 {len(password)} 个",
                                  code="password_too_short")

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if classes_of(password) < self.min_classes:
            names = "、".join(n for n, _t in CLASSES)
            raise ValidationError(f"密码须包含{names}中的至少 {self.min_classes} 类", code="password_classes")

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class NotUsernameValidator:
    def validate(self, password, user=None):
        name = (getattr(user, "username", "") or "").lower()
        if name and len(name) >= 3 and (name in password.lower() or password.lower() in name):
            raise ValidationError("密码不能是用户名，也不能包含用户名", code="password_is_username")

    def get_help_text(self):
        return "密码不能是用户名，也不能包含用户名。"


class HistoryValidator:
    """No reuse of the current password nor of the last `count` (the hashes in `PasswordHistory`)."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None) or self.count <= 0:
            return
        from .models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:self.count])
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(f"新密码不能与最近 {self.count} 次使用过的密码相同", code="password_reused")

    def get_help_text(self):
        return f"新密码不能与最近 {self.count} 次使用过的密码相同。"
