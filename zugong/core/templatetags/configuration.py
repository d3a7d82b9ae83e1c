"""Filters for configuration pages: a data measure by its name, its parameters as officials read them."""

from django import template

from zugong.core.config import format_lines, measures

register = template.Library()


@register.filter
def measure_label(code: str) -> str:
    measure = measures.MEASURES.get(code or "")
    return measure.label if measure else (code or "")


@register.filter
def params_text(params) -> str:
    return format_lines(params or {}, measures.PARAMS.values()).replace("\n", "；")
