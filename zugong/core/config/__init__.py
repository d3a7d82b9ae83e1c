"""Configuration: the numbers that regulations or local practice set, kept as data an organization department
edits (never code), each with what it means, its unit and where it comes from.

One way for every domain:

- **Templates** (`Template`, `register`, `template`): a kind of configurable numbers (a local rule template,
  a data measure, a dispatch program, an assessment indicator scheme …). It names its `Param`s — what each
  means in the words officials read (统计月数), its type, unit and default — and its citation: a regulation and
  article, "条款号待核" when the article is not verified, or the local document.
- **Named lines** (`parse_lines`, `format_lines`): parameters are typed and shown as one “名称：数值” line each
  (统计月数：12); a wrong line is named in a Chinese error.
- **Scoped rows** (`zugong.core.config.models.ConfigModel`): configuration issued by an organization applies
  to its subtree; its rows are audited and filtered in SQL (`visible_to`, `applying_to`).
- **Defaults** (`installer`, `install`): each app registers the installers of its defaults in its
  `defaults.py`; `zugong defaults install [--domain D] [--org CODE] [--reset]` runs them (idempotent).
- **Pages** (`zugong.core.config.views`): one edit page for a configuration row (`edit_page`) and one page
  issuing a new edition (`new_edition_page`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping

from django.core.exceptions import ValidationError

# ---------------------------------------------------------------- parameters and templates

INT, FLOAT, TEXT, CHOICE, CHOICES = "int", "float", "text", "choice", "choices"
UNVERIFIED_ARTICLE = "条款号待核"


def num(value) -> str:
    """A number as people write it: 10, 9.5 (no trailing zeros)."""
    d = Decimal(str(value)).normalize()
    return f"{d:f}"


@dataclass(frozen=True)
class Param:
    """One configurable number (or choice): its key in the stored dict, what it means (the label officials
    read), its type (INT, FLOAT, TEXT, CHOICE, CHOICES), unit and default. `choices` maps stored codes to
    labels (a callable for labels owned by another app, resolved when used)."""

    key: str
    label: str
    type: str = INT
    unit: str = ""
    default: Any = None
    choices: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None
    help: str = ""

    def choice_labels(self) -> dict[str, str]:
        found = self.choices() if callable(self.choices) else self.choices
        return dict(found or {})

    @property
    def caption(self) -> str:
        """The label with its unit: “统计月数（个月）”."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    def format(self, value) -> str:
        if self.type in (CHOICE, CHOICES):
            labels = self.choice_labels()
            values = value if isinstance(value, list) else [value]
            return "、".join(labels.get(v, str(v)) for v in values)
        if isinstance(value, float) and value.is_integer() and self.type == INT:
            value = int(value)
        return str(value)

    def parse(self, raw: str, where: str):
        """The stored value of a typed text; `where` starts the error (“第 2 行：”)."""
        if self.type in (CHOICE, CHOICES):
            labels = self.choice_labels()
            by_label = {label: code for code, label in labels.items()}
            names = [n.strip() for n in re.split(r"[、,，;；\s]+", raw) if n.strip()]
            unknown = [n for n in names if n not in by_label and n not in labels]
            if not names or unknown or (self.type == CHOICE and len(names) > 1):
                raise ValidationError(f"{where}{self.label}“{'、'.join(unknown) or raw}”不认识，可用"
                                      + "、".join(labels.values()))
            codes = [by_label.get(n, n) for n in names]
            return codes if self.type == CHOICES else codes[0]
        if self.type == TEXT:
            return raw
        try:
            value = float(raw)
        except ValueError:
            raise ValidationError(f"{where}“{self.label}”应为数字，现为“{raw}”") from None
        if self.type == INT:
            if not value.is_integer():
                raise ValidationError(f"{where}“{self.label}”应为整数，现为“{raw}”")
            return int(value)
        return value


@dataclass(frozen=True)
class Template:
    """A kind of configuration row: its parameters and where its numbers come from.

    `citation` is the regulation and article ("《中国共产党支部工作条例（试行）》第六章"), the regulation with
    `UNVERIFIED_ARTICLE`, or the local document that sets the numbers ("本地文件：…")."""

    code: str
    title: str
    domain: str
    params: tuple[Param, ...] = ()
    citation: str = ""
    text: str = ""

    def param(self, key: str) -> Param:
        for p in self.params:
            if p.key == key:
                return p
        raise KeyError(key)

    def defaults(self) -> dict:
        return {p.key: p.default for p in self.params if p.default is not None}

    def describe(self, values: Mapping) -> str:
        """The values as one line: “统计月数 12 个月、会议类别 党课”."""
        known = {p.key: p for p in self.params}
        parts = []
        for key, value in (values or {}).items():
            p = known.get(key)
            unit = f" {p.unit}" if p and p.unit else ""
            parts.append(f"{p.label} {p.format(value)}{unit}" if p else f"{key} {value}")
        return "、".join(parts)


TEMPLATES: dict[str, Template] = {}


def register(template: Template) -> Template:
    if template.code in TEMPLATES and TEMPLATES[template.code] != template:
        raise ValueError(f"configuration template {template.code} registered twice")
    TEMPLATES[template.code] = template
    return template


def template(code: str) -> Template | None:
    return TEMPLATES.get(code)


# ---------------------------------------------------------------- named lines


def format_lines(values: Mapping | None, params: Iterable[Param]) -> str:
    """Stored parameters as “名称：数值” lines (unknown keys keep their key as the name)."""
    known = {p.key: p for p in params}
    lines = []
    for key, value in (values or {}).items():
        p = known.get(key)
        lines.append(f"{p.label}：{p.format(value)}" if p else f"{key}：{value}")
    return "\n".join(lines)


def parse_lines(text: str, params: Iterable[Param]) -> dict:
    """“统计月数：12” lines as the stored dict ({"months": 12}); a name may be the label or the key; each wrong
    line is named in the (Chinese) error. Pasted JSON (the stored form) is accepted as is."""
    params = list(params)
    text = (text or "").strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            raise ValidationError("格式有误：请每行写一个参数，如“统计月数：12”") from None
    by_name = {p.label: p for p in params} | {p.key: p for p in params}
    values = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, sep, raw = line.replace(":", "：").partition("：")
        name, raw = name.strip(), raw.strip()
        if not sep or name not in by_name:
            raise ValidationError(f"第 {number} 行“{line}”：应为“名称：数值”，名称可用"
                                  + "、".join(p.label for p in params))
        p = by_name[name]
        values[p.key] = p.parse(raw, f"第 {number} 行：")
    return values


def lines_help(params: Iterable[Param]) -> str:
    params = list(params)
    example = params[0] if params else None
    sample = "如“统计月数：12”"
    if example is not None:
        if example.default is not None:
            value = example.format(example.default)
        elif example.type in (CHOICE, CHOICES) and example.choice_labels():
            value = next(iter(example.choice_labels().values()))
        else:
            value = "12"
        sample = f"如“{example.label}：{value}”"
    return (f"每行一个参数，写“名称：数值”，{sample}；可用："
            + "、".join(p.caption for p in params))


# ---------------------------------------------------------------- default installers


@dataclass(frozen=True)
class Installer:
    """Installs one domain's defaults for an organization's subtree: returns (code, created) pairs. Existing
    rows keep a department's own numbers; `reset` puts the defaults back."""

    domain: str
    label: str
    install: Callable[..., list[tuple[str, bool]]]
    order: int = 100


INSTALLERS: dict[str, Installer] = {}


def installer(domain: str, label: str, order: int = 100):
    """Register the default installer of a domain (in the app's `defaults.py`)."""

    def wrap(fn):
        INSTALLERS[domain] = Installer(domain, label, fn, order)
        return fn

    return wrap


def installers() -> list[Installer]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("defaults")
    return sorted(INSTALLERS.values(), key=lambda i: (i.order, i.domain))


def install(organization, domains: Iterable[str] | None = None,
            reset: bool = False) -> list[tuple[str, str, bool]]:
    """Run the installers (all, or those of `domains`) for an organization's subtree: rows of (domain, code,
    created)."""
    wanted = set(domains) if domains else None
    found = installers()
    unknown = (wanted or set()) - {i.domain for i in found}
    if unknown:
        raise LookupError("没有这些领域的默认设定：" + "、".join(sorted(unknown)) + "；可用："
                          + "、".join(i.domain for i in found))
    out = []
    for item in found:
        if wanted is None or item.domain in wanted:
            done = item.install(organization, reset=reset)
            out.extend((item.domain, code, created) for code, created in done)
    return out


def install_rows(model, defaults: list[dict], fixed: dict, reset: bool = False,
                 key: str = "code") -> list[tuple[str, bool]]:
    """Create the default rows of a model keyed by `key` (with `fixed` values such as the organization);
    with `reset`, rows already present get the defaults back. Saved one by one, so each change is audited."""
    out = []
    for default in defaults:
        values = {k: v for k, v in default.items() if k != key} | fixed
        row = model.objects.unrestricted().filter(**{key: default[key]}).first()
        created = row is None
        if created:
            row = model(**{key: default[key]}, **values)
            row.save()
        elif reset:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
        out.append((default[key], created))
    return out
