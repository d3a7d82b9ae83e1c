"""National standard code lists as (code, label) tuples usable as Django ``choices``, plus a tolerant lookup.

- ETHNICITIES: GB/T 3304-1991 《中国各民族名称的罗马字母拼写法和代码》, codes 01–56 in the standard's
  order, plus the standard's own 97 其他 (unrecognised groups) and 98 外国血统中国籍人士
  (naturalised citizens of foreign descent) so every citizen's record can be coded.
- EDUCATION: GB/T 4658-2006 《学历代码》, the main (category) codes only, labelled with the short names
  written on cadre and party-member forms. The standard's sub-codes (21 大学本科毕业, 22 结业 …) are not
  kept; 10 is graduate study without a stated degree. 80 is labelled 小学 as in the standard, and the
  form wording "小学及以下" is accepted by ``lookup``; 90 其他 covers no schooling.
- SEXES: GB/T 2261.1-2003 (1 男, 2 女; 0 未知 and 9 未说明 are not offered).
- POLITICAL_STATUS: GB/T 4762-1984 《政治面貌代码》, with the short labels used on forms.
- SECTORS: the platform's own glossary of where a party organization sits.

Kept in core (not people): orgs (SECTORS) and people (the rest) both use these lists, and orgs sits below
people.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["EDUCATION", "ETHNICITIES", "POLITICAL_STATUS", "SECTORS", "SEXES", "labels", "lookup"]

Choices = tuple[tuple[str, str], ...]

ETHNICITIES: Choices = (
    ("01", "汉族"), ("02", "蒙古族"), ("03", "回族"), ("04", "藏族"), ("05", "维吾尔族"),
    ("06", "苗族"), ("07", "彝族"), ("08", "壮族"), ("09", "布依族"), ("10", "朝鲜族"),
    ("11", "满族"), ("12", "侗族"), ("13", "瑶族"), ("14", "白族"), ("15", "土家族"),
    ("16", "哈尼族"), ("17", "哈萨克族"), ("18", "傣族"), ("19", "黎族"), ("20", "傈僳族"),
    ("21", "佤族"), ("22", "畲族"), ("23", "高山族"), ("24", "拉祜族"), ("25", "水族"),
    ("26", "东乡族"), ("27", "纳西族"), ("28", "景颇族"), ("29", "柯尔克孜族"), ("30", "土族"),
    ("31", "达斡尔族"), ("32", "仫佬族"), ("33", "羌族"), ("34", "布朗族"), ("35", "撒拉族"),
    ("36", "毛南族"), ("37", "仡佬族"), ("38", "锡伯族"), ("39", "阿昌族"), ("40", "普米族"),
    ("41", "塔吉克族"), ("42", "怒族"), ("43", "乌孜别克族"), ("44", "俄罗斯族"), ("45", "鄂温克族"),
    ("46", "德昂族"), ("47", "保安族"), ("48", "裕固族"), ("49", "京族"), ("50", "塔塔尔族"),
    ("51", "独龙族"), ("52", "鄂伦春族"), ("53", "赫哲族"), ("54", "门巴族"), ("55", "珞巴族"),
    ("56", "基诺族"), ("97", "其他"), ("98", "外国血统中国籍人士"),
)

EDUCATION: Choices = (
    ("10", "研究生"), ("11", "博士研究生"), ("14", "硕士研究生"), ("20", "大学本科"), ("30", "大学专科"),
    ("40", "中专"), ("60", "高中"), ("70", "初中"), ("80", "小学"), ("90", "其他"),
)

SEXES: Choices = (("1", "男"), ("2", "女"))

POLITICAL_STATUS: Choices = (
    ("01", "中共党员"), ("02", "中共预备党员"), ("03", "共青团员"), ("04", "民革党员"),
    ("05", "民盟盟员"), ("06", "民建会员"), ("07", "民进会员"), ("08", "农工党党员"),
    ("09", "致公党党员"), ("10", "九三学社社员"), ("11", "台盟盟员"), ("12", "无党派民主人士"),
    ("13", "群众"),
)

SECTORS: Choices = (
    ("government", "机关"), ("institution", "事业单位"), ("soe", "国有企业"), ("private", "非公有制企业"),
    ("social", "社会组织"), ("rural", "农村"), ("community", "社区"), ("school", "学校"), ("other", "其他"),
)

# Other spellings met in spreadsheets → the label used above. Shared by all lists: an alias only
# resolves when its label belongs to the list being searched.
_ALIASES: dict[str, str] = {
    # education (full GB/T 4658 names and everyday words)
    "研究生教育": "研究生", "博士": "博士研究生", "博士研究生毕业": "博士研究生", "硕士": "硕士研究生",
    "硕士研究生毕业": "硕士研究生", "本科": "大学本科", "大学": "大学本科", "大学本科毕业": "大学本科",
    "大学本科教育": "大学本科", "大专": "大学专科", "专科": "大学专科", "大学专科毕业": "大学专科",
    "大学专科教育": "大学专科", "中等专科": "中专", "中等专业学校": "中专", "中等职业教育": "中专",
    "中技": "中专", "技校": "中专",
    "技工学校": "中专", "职高": "中专", "职业高中": "中专", "普通高中": "高中", "高级中学": "高中",
    "普通高级中学教育": "高中", "初级中学": "初中", "初级中学教育": "初中", "小学及以下": "小学",
    "小学教育": "小学",
    # political status (GB/T 4762 full names and short forms)
    "中国共产党党员": "中共党员", "党员": "中共党员", "共产党员": "中共党员",
    "中国共产党预备党员": "中共预备党员", "预备党员": "中共预备党员",
    "中国共产主义青年团团员": "共青团员", "团员": "共青团员",
    "中国国民党革命委员会会员": "民革党员", "民革会员": "民革党员", "中国民主同盟盟员": "民盟盟员",
    "中国民主建国会会员": "民建会员", "中国民主促进会会员": "民进会员", "中国农工民主党党员": "农工党党员",
    "中国致公党党员": "致公党党员", "台湾民主自治同盟盟员": "台盟盟员", "无党派人士": "无党派民主人士",
    "无党派": "无党派民主人士",
    # sexes and sectors
    "男性": "男", "女性": "女", "党政机关": "机关", "国企": "国有企业", "民营企业": "非公有制企业",
    "非公企业": "非公有制企业", "私营企业": "非公有制企业", "村": "农村", "高校": "学校",
}


def labels(choices: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The labels of a code list, in order (the values a template's dropdown offers)."""
    return tuple(label for _code, label in choices)


def lookup(choices: Iterable[tuple[str, str]], value: object) -> str | None:
    """Return the code for a code or label (or a common alias) in ``choices``; None when nothing matches."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a numeric Excel cell: 1.0 → "1"
    text = "".join(unicodedata.normalize("NFKC", str(value if value is not None else "")).split())
    if not text:
        return None
    choices = tuple(choices)
    codes = {code.lower(): code for code, _ in choices}
    labels = {label: code for code, label in choices}
    if text.lower() in codes:
        return codes[text.lower()]
    if text.isdigit():  # spreadsheets turn "01" into 1
        width = max(len(code) for code, _ in choices)
        if text.zfill(width) in codes:
            return codes[text.zfill(width)]
    for candidate in (text, _ALIASES.get(text), text + "族"):  # "汉" → 汉族
        if candidate in labels:
            return labels[candidate]
    return None
