from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from zugong.orgs.fields import OrganizationPicker
from zugong.core.scope import Role


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label="用户名", max_length=150, regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字和 _ . @ -"},
    )
    display_name = forms.CharField(label="姓名", max_length=50)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, help_text=password_validators_help_text_html())
    organization = OrganizationPicker(label="管辖组织", action="manage")
    role = forms.ChoiceField(label="角色", choices=Role.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
