from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from zugong.core import record_tabs, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page

from . import services
from .forms import UserCreateForm
from .tables import UserFilterSet, UserTable


def _require_manager(request):
    if not scope.scope_paths(request.user, "manage"):
        raise PermissionDenied("您没有管理用户的权限")


@login_required
def user_list(request):
    _require_manager(request)
    users = services.visible_users(request.user).prefetch_related("grants__organization").order_by("username")
    return list_page(request, queryset=users, filterset_class=UserFilterSet, table_class=UserTable,
                     template="accounts/user_list.html", title="用户管理", export_name="用户名单")


@login_required
def user_detail(request, pk):
    _require_manager(request)
    account = get_object_or_404(services.visible_users(request.user), pk=pk)
    return render(request, "accounts/user_detail.html",
                  {"account": account, "log": record_tabs.log(request, account)})


@login_required
def user_create(request):
    _require_manager(request)
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_user(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已创建用户“{account.username}”")
            return redirect("accounts:user", pk=account.pk)
    return render(request, "core/form.html", {"form": form, "title": "新建用户", "back": "accounts:users"})
