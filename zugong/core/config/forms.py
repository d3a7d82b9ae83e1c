"""Forms of configuration: parameters typed as named lines, the form of a configuration row built from its
template's parameters, and the parts of a form issuing a new edition."""

from __future__ import annotations

from typing import Callable, Iterable

from django import forms
from django.core.exceptions import ValidationError

from ..forms import VersionedFormMixin
from . import Param, Template, format_lines, lines_help, parse_lines

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
Params = Iterable[Param] | Callable[[], Iterable[Param]]


class ParamsField(forms.Field):
    """Parameters typed as “统计月数：12” lines (stored as {"months": 12}); each wrong line named in the
    error. Pasted JSON is accepted as is. `params`: the parameters it knows (a callable is resolved when
    used); by default those of the data measures."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args, params: Params | None = None, **kwargs):
        self._params = params
        super().__init__(*args, **kwargs)

    @property
    def params(self) -> list[Param]:
        if self._params is None:
            from .measures import PARAMS

            return list(PARAMS.values())
        return list(self._params() if callable(self._params) else self._params)

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return format_lines(value, self.params)

    def to_python(self, value):
        return parse_lines(value, self.params)


def params_field(params: Params | None = None, **kwargs) -> ParamsField:
    """The 参数 field of a configuration form, with the help naming the parameters it takes."""
    if params is not None and not callable(params):
        kwargs.setdefault("help_text", lines_help(params))
    return ParamsField(label=kwargs.pop("label", "参数"), required=kwargs.pop("required", False),
                       params=params, **kwargs)


def measure_params_help() -> str:
    from .measures import PARAMS

    return ("每行一个参数，写“名称：数值”，如“统计月数：12”“低于：0.6”“会议类别：支部委员会会议、主题党日”；"
            "可用：" + "、".join(p.label for p in PARAMS.values()))


class TemplateRowForm(VersionedFormMixin, forms.ModelForm):
    """A configuration row whose numbers are its template's parameters (a local rule): `params` is typed as
    named lines of exactly that template's parameters (with their units in the help), checked against them."""

    params = ParamsField(label="参数", required=False)

    def __init__(self, *args, template: Template | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        if template is not None:
            self.fields["params"]._params = template.params
            self.fields["params"].help_text = lines_help(template.params) + (
                f"。依据：{template.citation}" if template.citation else "")

    def clean_params(self):
        values = self.cleaned_data.get("params") or {}
        if self.template is not None:
            missing = [p.label for p in self.template.params if p.default is None and p.key not in values]
            if missing:
                raise ValidationError("请填写参数：" + "、".join(missing))
        return values

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end <= start:
            self.add_error("effective_to", "失效日期应晚于生效日期")
        return data


class LocalRuleForm(TemplateRowForm):
    """A local rule's configurable parts; its template (the code that checks) stays as installed."""

    class Meta:
        from ..models import LocalRule

        model = LocalRule
        fields = ["title", "params", "severity", "regulation", "article", "effective_from", "effective_to",
                  "active"]
        widgets = {"effective_from": DATE, "effective_to": DATE}
        help_texts = {"regulation": "本地文件名称，例如《某省发展党员工作实施办法》"}


class ParamFieldsForm(VersionedFormMixin, forms.ModelForm):
    """A configuration row whose parameters are edited one typed field each (numbers, check boxes) rather than
    as named lines: the subclass declares the fields and lists their keys in `PARAMS`; the form reads them
    from and writes them to the row's `params`, and checks the dates. Used with `views.row_page` like any
    configuration form."""

    PARAMS: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            current = self.instance.params or {}
            for key in self.PARAMS:
                if key in current:
                    self.initial[key] = current[key]

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end <= start:
            self.add_error("effective_to", "失效日期应晚于生效日期")
        self.instance.params = {**(self.instance.params or {}),
                                **{k: data[k] for k in self.PARAMS if k in data}}
        return data
