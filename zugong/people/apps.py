from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "zugong.people"
    label = "people"
    verbose_name = "人员"
