"""Weak organizations (软弱涣散基层党组织): identification lists, rectification, acceptance; its rules."""

from django.apps import AppConfig


class WeakorgsConfig(AppConfig):
    name = "zugong.weakorgs"
    label = "weakorgs"
    verbose_name = "软弱涣散整顿"
