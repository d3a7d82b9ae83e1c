"""Excel importers of the classified assessment (分类考核), with the fixed contract of issue 14:

- `zugong import assessment-scheme FILE.xlsx`: one row per indicator (方案代码, 方案名称, 年度, 类别, 维度, 指标代码,
  指标名称, 权重, 指标类型, 方向, 计分方法, 目标值, 每次扣分, 排名分值, 优秀比例; the scheme and category columns
  repeat). Optional: 数据来源 (填报/导入/系统数据计算), 数据指标 (a measure's code or name), 计量单位, 制定单位代码
  (default: the top organization the user manages). A scheme code already present is replaced while no values
  were entered for it, else refused.
- `zugong import assessment-values FILE.xlsx --scheme CODE`: 单位代码, 类别, 指标代码, 数值 (optional 方案代码 when
  no --scheme is given, e.g. from the 数据导入 page; optional 说明). A unit not yet in the scheme is placed in the
  category the row names. The scheme is scored again after the import.

Every bad row is named in Chinese; nothing is written while any row is wrong (mode `all`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from zugong.core import audit, excel, imports, scope
from zugong.core.config import measures
from zugong.orgs.models import Organization
from zugong.orgs.selectors import example_organization

from .. import schemes_services as services
from .. import scoring
from ..models import IndicatorValue, Scheme, SchemeCategory, SchemeIndicator, SchemeUnit

KINDS = {"关键": "key", "关键性": "key", "关键性指标": "key", "关键指标": "key",
         "引领": "leading", "引领性": "leading", "引领性指标": "leading", "引领指标": "leading",
         "约束": "binding", "约束性": "binding", "约束性指标": "binding", "约束指标": "binding"}
DIRECTIONS = {"越大越好": "higher", "正向": "higher", "越小越好": "lower", "逆向": "lower", "负向": "lower"}
SOURCES = {label: value for value, label in SchemeIndicator.Source.choices} | {"系统数据": "computed",
                                                                            "系统计算": "computed"}


def _number(value):
    text = excel.cell_text(value).replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是数字") from None
    if not number.is_finite() or abs(number) >= Decimal("1e13"):
        raise ValueError(f"“{text}”不是有效的数字")
    return number


def _weight(value):
    number = _number(value)
    if number is not None and (number < 0 or number > 100):
        raise ValueError(f"权重 {number} 应在 0 到 100 之间")
    return number


def _year(value):
    text = excel.cell_text(value).removesuffix("年").removesuffix("年度")
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ValueError(f"年度“{text}”应为四位年份，如 2025")
    return int(text)


def _choice(mapping: dict, noun: str):
    def parse(value):
        text = excel.cell_text(value).replace(" ", "")
        if text not in mapping:
            raise ValueError(f"{noun}“{text}”应为{'、'.join(dict.fromkeys(k for k in mapping if len(k) > 2))}之一")
        return mapping[text]
    return parse


def _method(value):
    text = excel.cell_text(value).replace(" ", "")
    method = scoring.by_label(text)
    if method is None:
        raise ValueError(f"计分方法“{text}”应为{'、'.join(m.label for m in scoring.METHODS.values())}之一")
    return method.code


def _points(value):
    text = excel.cell_text(value)
    if not text:
        return None
    parts = [p for p in re.split(r"[,，、;；/\s]+", text) if p]
    try:
        return [float(Decimal(p)) for p in parts]
    except InvalidOperation:
        raise ValueError(f"排名分值“{text}”应为用逗号分隔的数字，如 60,57,54,51,48") from None


def _share(value):
    """优秀比例: 20% or 20 (percent), or 0.2 (a fraction ≤ 1)."""
    text = excel.cell_text(value)
    if not text:
        return None
    percent = text.endswith(("%", "％"))
    try:
        number = Decimal(text.rstrip("%％").strip())
    except InvalidOperation:
        raise ValueError(f"优秀比例“{text}”应写作 20% 或 0.2") from None
    if not percent and number <= 1:
        number *= 100
    if not 0 <= number <= 100:
        raise ValueError(f"优秀比例“{text}”应在 0% 到 100% 之间")
    return number.quantize(Decimal("0.01"))


def _measure(value):
    text = excel.cell_text(value)
    for m in measures.MEASURES.values():
        if text in (m.code, m.label):
            return m.code
    raise ValueError(f"数据指标“{text}”不存在，可选：{'、'.join(m.label for m in measures.MEASURES.values())}")


@imports.register
class SchemeImporter(imports.Importer):
    kind = "assessment-scheme"
    title = "分类考核方案"
    columns = [
        excel.Column("方案代码", "code", True, excel.cell_text, example="TY-FLKH-2025", width=16),
        excel.Column("方案名称", "name", True, excel.cell_text, example="2025年度县（市、区）高质量发展分类考核", width=30),
        excel.Column("年度", "year", True, _year, example="2025", width=8),
        excel.Column("类别", "category", True, excel.cell_text, example="一类（重点开发区域）", width=20),
        excel.Column("维度", "dimension", True, excel.cell_text, example="产业转型", width=12),
        excel.Column("指标代码", "indicator", True, excel.cell_text, example="A01", width=10),
        excel.Column("指标名称", "indicator_name", True, excel.cell_text, example="规模以上工业增加值增速", width=26),
        excel.Column("权重", "weight", True, _weight, example="10", width=8, hint="数字；同一类别各指标之和为 100，"
                     "一票否优、一票否决指标填 0"),
        excel.Column("指标类型", "kind", False, _choice(KINDS, "指标类型"), example="关键性指标", width=12,
                     choices=("关键性指标", "引领性指标", "约束性指标"), hint="不填为关键性指标"),
        excel.Column("方向", "direction", False, _choice(DIRECTIONS, "方向"), example="越大越好", width=10,
                     choices=("越大越好", "越小越好"), hint="不填为越大越好"),
        excel.Column("计分方法", "method", True, _method, example="比值法", width=10,
                     choices=("比值法", "达标法", "扣分法", "排名赋分", "一票否优", "一票否决")),
        excel.Column("目标值", "target", False, _number, example="", width=10, hint="达标法必填"),
        excel.Column("每次扣分", "deduction", False, _number, example="", width=10, hint="扣分法必填"),
        excel.Column("排名分值", "points", False, _points, example="", width=18,
                     hint="排名赋分必填，从高到低用逗号分隔，如 60,57,54,51,48"),
        excel.Column("优秀比例", "share", False, _share, example="20%", width=10, hint="如 20%；不填为 20%"),
        excel.Column("数据来源", "source", False, _choice(SOURCES, "数据来源"), example="导入", width=12,
                     choices=tuple(SchemeIndicator.Source.labels), hint="不填：有数据指标的为系统数据计算，否则为导入"),
        excel.Column("数据指标", "measure", False, _measure, example="", width=16,
                     hint="系统数据计算的指标：数据指标名称，如 组织生活达标率"),
        excel.Column("计量单位", "unit", False, excel.cell_text, example="%", width=8),
        excel.Column("制定单位代码", "issuer", False, excel.cell_text, example="", width=14,
                     hint="不填为您管辖范围的最上级组织"),
    ]

    def examples(self, user):
        org = example_organization(user)
        return {"issuer": org.code} if org is not None else {}

    def validate(self, sheet, user, progress):
        manage = scope.scope_paths(user, "manage")
        issuers = {v["issuer"] for _n, v, _r in sheet.rows if v.get("issuer")}
        orgs = {o.code: o for o in Organization.objects.visible_to(user, "manage").filter(code__in=issuers)}
        default = (Organization.objects.unrestricted().filter(path=manage[0]).first() if manage else None)
        codes = {v["code"] for _n, v, _r in sheet.rows if v.get("code")}
        existing = {s.code: s for s in Scheme.objects.unrestricted().filter(code__in=codes)}
        with_values = set(IndicatorValue.objects.unrestricted().filter(indicator__category__scheme__code__in=codes)
                          .values_list("indicator__category__scheme__code", flat=True).distinct())
        heads: dict[str, tuple[int, dict]] = {}
        seen: dict[tuple, int] = {}
        categories: dict[tuple[str, str], list[tuple[int, dict]]] = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            code = v.get("code")
            if not code:
                continue
            if v.get("issuer"):
                v["organization"] = orgs.get(v["issuer"])
                if v["organization"] is None:
                    sheet.fail(no, "制定单位代码", f"{v['issuer']} 不是您可以管理的党组织")
            else:
                v["organization"] = default
            head = heads.setdefault(code, (no, v))
            if head[1] is not v:
                first_no, first = head
                for key, label in (("name", "方案名称"), ("year", "年度"), ("share", "优秀比例"), ("issuer", "制定单位代码")):
                    if v.get(key) is not None and first.get(key) is not None and v[key] != first[key]:
                        sheet.fail(no, label, f"同一方案代码 {code} 的{label}应一致（第{first_no}行为“{first[key]}”）")
            if code in existing:
                scheme = existing[code]
                if code in with_values:
                    sheet.fail(no, "方案代码", f"方案 {code} 已有考核数据，不能重新导入；新一年的方案请用新的方案代码")
                elif not scope.can(user, "manage", scheme.org_path):
                    sheet.fail(no, "方案代码", f"方案代码 {code} 已被其他单位使用")
            if v.get("category") and v.get("indicator"):
                key = (code, v["category"], v["indicator"])
                if key in seen:
                    sheet.fail(no, "指标代码", f"与第{seen[key]}行重复（同一方案、同一类别的指标代码）")
                else:
                    seen[key] = no
                categories.setdefault((code, v["category"]), []).append((no, v))
            method = v.get("method")
            if method and v.get("weight") is not None:
                params = _params(v)
                for problem in scoring.METHODS[method].problems(float(v["weight"]), v.get("direction") or "higher",
                                                              params):
                    sheet.fail(no, _column_of(problem), problem)
            source = v.get("source") or ("computed" if v.get("measure") else "imported")
            v["source"] = source
            if source == "computed" and not v.get("measure"):
                sheet.fail(no, "数据指标", "系统数据计算的指标须填写数据指标")
        for (code, name), rows in categories.items():
            if any(v.get("weight") is None for _n, v in rows):
                continue
            total = sum((v["weight"] for _n, v in rows), Decimal(0))
            if total != 100:
                numbers = "、".join(str(n) for n, _v in rows)
                sheet.fail(rows[-1][0], "权重", f"方案 {code} 类别“{name}”各指标权重之和应为 100，现为 "
                                             f"{scoring.num(total)}（第{numbers}行）")
        if default is None and any(not v.get("issuer") for _n, v, _r in sheet.rows):
            sheet.fail(0, "", "您没有可以管理的党组织，不能导入考核方案")

    def write(self, sheet, rows, user, note):
        by_code: dict[str, list[dict]] = {}
        for _no, v, _raw in rows:
            by_code.setdefault(v["code"], []).append(v)
        count = 0
        with audit.operation(None, "import", note=note) as op:
            for code, items in by_code.items():
                Scheme.objects.unrestricted().filter(code=code).delete()
                head = items[0]
                org = head["organization"]
                share = next((v["share"] for v in items if v.get("share") is not None), Decimal("20"))
                scheme = Scheme.objects.create(organization=org, code=code, name=head["name"], year=head["year"],
                                               top_share=share)
                cats: dict[str, SchemeCategory] = {}
                for v in items:
                    if v["category"] not in cats:
                        cats[v["category"]] = SchemeCategory(scheme=scheme, name=v["category"], order=len(cats) + 1,
                                                             org_path=scheme.org_path)
                SchemeCategory.objects.bulk_create(list(cats.values()))
                op.created(list(cats.values()))
                indicators = []
                for order, v in enumerate(items, start=1):
                    indicators.append(SchemeIndicator(
                        category=cats[v["category"]], org_path=scheme.org_path, dimension=v["dimension"][:40],
                        code=v["indicator"][:30], name=v["indicator_name"][:100], order=order, weight=v["weight"],
                        kind=v.get("kind") or "key", direction=v.get("direction") or "higher", method=v["method"],
                        params=_params(v), source=v["source"], measure=v.get("measure") or "",
                        unit=(v.get("unit") or "")[:20]))
                SchemeIndicator.objects.bulk_create(indicators, batch_size=1000)
                op.created(indicators)
                count += len(indicators)
        return count


def _params(v: dict) -> dict:
    out = {}
    if v.get("target") is not None:
        out["target"] = float(v["target"])
    if v.get("deduction") is not None:
        out["deduction"] = float(v["deduction"])
    if v.get("points"):
        out["points"] = v["points"]
    return out


def _column_of(problem: str) -> str:
    for column in ("目标值", "每次扣分", "排名分值"):
        if column in problem:
            return column
    return "权重"


@imports.register
class ValueImporter(imports.Importer):
    kind = "assessment-values"
    title = "分类考核指标数值"
    options = {"scheme": "考核方案代码（分类考核指标数值导入）"}
    columns = [
        excel.Column("单位代码", "unit", True, excel.cell_text, aliases=("组织代码",), example="140105", width=14),
        excel.Column("类别", "category", True, excel.cell_text, example="一类（重点开发区域）", width=20),
        excel.Column("指标代码", "indicator", True, excel.cell_text, example="A01", width=10),
        excel.Column("数值", "value", True, _number, example="8.5", width=12),
        excel.Column("方案代码", "scheme", False, excel.cell_text, example="", width=16,
                     hint="命令行用 --scheme 指定方案时不填"),
        excel.Column("说明", "note", False, excel.cell_text, example="", width=20),
    ]

    def examples(self, user):
        org = example_organization(user)
        return {"unit": org.code} if org is not None else {}

    def validate(self, sheet, user, progress):
        given = (sheet.options.get("scheme") or "").strip()
        codes = {given} if given else {v["scheme"] for _n, v, _r in sheet.rows if v.get("scheme")}
        schemes = {s.code: s for s in Scheme.objects.visible_to(user).filter(code__in=codes)}
        if given and given not in schemes:
            sheet.fail(0, "", f"考核方案 {given} 不存在或不在您的管辖范围内")
            return
        cats = {(c.scheme_id, c.name): c for c in SchemeCategory.objects.unrestricted().filter(
            scheme__in=list(schemes.values()))}
        indicators = {(i.category_id, i.code): i for i in SchemeIndicator.objects.unrestricted().filter(
            category__scheme__in=list(schemes.values()))}
        placed = {(u.scheme_id, u.organization_id): u for u in SchemeUnit.objects.unrestricted().filter(
            scheme__in=list(schemes.values())).select_related("category")}
        unit_codes = {v["unit"] for _n, v, _r in sheet.rows if v.get("unit")}
        orgs = {o.code: o for o in Organization.objects.visible_to(user, "change").filter(code__in=unit_codes)}
        in_file: dict[tuple, tuple[int, str]] = {}
        seen: dict[tuple, int] = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            code = given or v.get("scheme")
            if not code:
                sheet.fail(no, "方案代码", "请填写方案代码（或在命令行用 --scheme 指定）")
                continue
            scheme = schemes.get(code)
            if scheme is None:
                sheet.fail(no, "方案代码", f"考核方案 {code} 不存在或不在您的管辖范围内")
                continue
            v["scheme_obj"] = scheme
            org = orgs.get(v.get("unit")) if v.get("unit") else None
            if v.get("unit") and org is None:
                sheet.fail(no, "单位代码", f"{v['unit']} 不是您管辖范围内的党组织")
            elif org is not None and not org.path.startswith(scheme.org_path):
                sheet.fail(no, "单位代码", f"“{org.name}”不在方案“{scheme.name}”的适用范围内")
                org = None
            v["organization"] = org
            cat = cats.get((scheme.pk, v.get("category"))) if v.get("category") else None
            if v.get("category") and cat is None:
                names = "、".join(c.name for (s, _n), c in cats.items() if s == scheme.pk)
                sheet.fail(no, "类别", f"方案 {code} 没有类别“{v['category']}”（有：{names}）")
            v["category_obj"] = cat
            if org is not None and cat is not None:
                unit = placed.get((scheme.pk, org.pk))
                if unit is not None and unit.category_id != cat.pk:
                    sheet.fail(no, "类别", f"“{org.name}”已列入类别“{unit.category.name}”")
                first = in_file.setdefault((scheme.pk, org.pk), (no, cat.name))
                if first[1] != cat.name:
                    sheet.fail(no, "类别", f"第{first[0]}行已将“{org.name}”列入类别“{first[1]}”")
            ind = indicators.get((cat.pk, v.get("indicator"))) if cat is not None and v.get("indicator") else None
            if cat is not None and v.get("indicator") and ind is None:
                sheet.fail(no, "指标代码", f"类别“{cat.name}”没有指标 {v['indicator']}")
            elif ind is not None and ind.source == SchemeIndicator.Source.COMPUTED:
                sheet.fail(no, "指标代码", f"指标 {ind.code}“{ind.name}”由系统数据计算，不需要导入")
            v["indicator_obj"] = ind
            if org is not None and ind is not None:
                key = (ind.pk, org.pk)
                if key in seen:
                    sheet.fail(no, "指标代码", f"与第{seen[key]}行重复（同一单位、同一指标）")
                else:
                    seen[key] = no

    def write(self, sheet, rows, user, note):
        now = timezone.now()
        touched: dict[int, Scheme] = {}
        with audit.operation(None, "import", note=note) as op:
            placed = set(SchemeUnit.objects.unrestricted().filter(
                scheme__in=list({v["scheme_obj"].pk for _n, v, _r in rows})).values_list("scheme_id", "organization_id"))
            existing = {(r.indicator_id, r.organization_id): r for r in IndicatorValue.objects.unrestricted().filter(
                indicator__in=[v["indicator_obj"] for _n, v, _r in rows],
                organization__in=list({v["organization"].pk for _n, v, _r in rows}))}
            new_units, new_values = [], []
            for _no, v, _raw in rows:
                scheme, org, cat, ind = v["scheme_obj"], v["organization"], v["category_obj"], v["indicator_obj"]
                touched[scheme.pk] = scheme
                if (scheme.pk, org.pk) not in placed:
                    placed.add((scheme.pk, org.pk))
                    new_units.append(SchemeUnit(scheme=scheme, category=cat, organization=org,
                                                org_path=scheme.org_path))
                row = existing.get((ind.pk, org.pk))
                if row is None:
                    new_values.append(IndicatorValue(
                        indicator=ind, organization=org, org_path=org.path, value=v["value"],
                        source=SchemeIndicator.Source.IMPORTED, entered_by=user, entered_at=now,
                        note=(v.get("note") or "")[:200]))
                elif row.value != v["value"]:
                    row.value, row.source, row.entered_by, row.entered_at = (
                        v["value"], SchemeIndicator.Source.IMPORTED, user, now)
                    row.note = (v.get("note") or row.note)[:200]
                    row.save()
            SchemeUnit.objects.bulk_create(new_units, batch_size=1000)
            op.created(new_units)
            IndicatorValue.objects.bulk_create(new_values, batch_size=2000)
            op.created(new_values)
            for scheme in touched.values():
                services.compute(scheme, note="导入指标数值后重新计算")
        return len(rows)
