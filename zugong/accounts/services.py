"""Creating accounts: only inside the creator's own subtrees, never with more rights than the creator's."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from zugong.core import audit, scope

from .models import ScopeGrant, User


def visible_users(actor):
    """Users holding a grant inside a subtree the actor manages."""
    paths = scope.scope_paths(actor, "manage")
    if not paths:
        return User.objects.none()
    q = Q()
    for p in paths:
        q |= Q(grants__organization__path__subtree=p)
    return User.objects.filter(q).distinct()


@transaction.atomic
def create_user(actor, *, username: str, display_name: str, password: str, organization, role: str) -> User:
    if not scope.can(actor, "manage", organization.path):
        raise PermissionDenied("您只能在自己管辖的组织内创建用户")
    if scope.ROLE_RANK[role] > scope.role_rank(actor, organization.path):
        raise ValidationError({"role": "不能授予高于您自己的角色"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})
    user = User(username=username, display_name=display_name)
    validate_password(password, user)
    user.set_password(password)
    with audit.operation(user, "create", org_path=organization.path) as op:
        user.save()
        op.fact("用户名", username, field="username")
        ScopeGrant.objects.create(user=user, organization=organization, role=role)
    return user
