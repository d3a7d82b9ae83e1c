from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "zugong.recruitment"
    label = "recruitment"
    verbose_name = "发展党员"
