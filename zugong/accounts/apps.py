from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zugong.accounts"
    label = "accounts"
    verbose_name = "账号与权限"
