from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_text_html

from zugong.core.scope import Role
from zugong.orgs.services import by_code


class UserCreateForm(forms.Form):
    """系统管理员 creates a business account; its role and scope come from the 安全管理员."""

    username = forms.RegexField(
        label="用户名", max_length=150, regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字和 _ . @ -"},
    )
    display_name = forms.CharField(label="姓名", max_length=50)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, strip=False,
                               help_text=password_validators_help_text_html() + "用户首次登录时须修改。")


class ResetPasswordForm(forms.Form):
    password = forms.CharField(label="新的初始密码", widget=forms.PasswordInput, strip=False,
                               help_text=password_validators_help_text_html() + "用户下次登录时须修改。")


class GrantsForm(forms.Form):
    """安全管理员: take grants (checked) and give one (an organization code and a role)."""

    remove = forms.ModelMultipleChoiceField(label="取消的管辖范围", queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    organization = forms.CharField(label="授予：组织代码", max_length=50, required=False,
                                   help_text="党组织代码，如 1401")
    role = forms.ChoiceField(label="授予：角色", choices=[("", "—")] + list(Role.choices), required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = account.grants.select_related("organization")
        self.fields["remove"].label_from_instance = lambda g: f"{g.organization.display_name}·{g.get_role_display()}"

    def clean_organization(self):
        code = self.cleaned_data["organization"].strip()
        if not code:
            return None
        org = by_code(code)  # the security administrator holds no scope: any organization of the tree
        if org is None:
            raise forms.ValidationError(f"组织代码“{code}”不存在")
        return org

    def clean(self):
        data = super().clean()
        if bool(data.get("organization")) != bool(data.get("role")):
            self.add_error("role" if data.get("organization") else "organization", "授予管辖范围须同时填写组织代码和角色")
        if not data.get("remove") and not data.get("organization") and not self.errors:
            raise forms.ValidationError("没有要变更的内容")
        return data


class OwnPasswordForm(PasswordChangeForm):
    """The user's own change: the old password, the new one twice (the policy's validators)."""

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and self.user.check_password(new):
            raise forms.ValidationError("新密码不能与当前密码相同")
        return new
