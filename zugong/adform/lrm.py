""".lrm (任免表编辑器 2.0): one GB2312 text record of quoted, comma-separated fields, photo in a sibling .pic.

Inside a field `@` separates the full-time part from the on-the-job part and `#` separates 学历 from 学位;
the family columns (20–24) are `@`-separated lists. Positions (lrmx.md): 0 姓名, 1 性别, 2 出生年月,
3 民族, 4 籍贯, 5 入党时间, 6 健康, 7 出生地, 8 参加工作时间, 9 学历#学位@…, 10 院校系及专业 (same),
11 专业技术职务, 16 专长, 17 简历, 18 奖惩, 19 年度考核, 20–24 家庭成员, 25 现任, 26 拟任, 27 拟免, 28 任免理由,
29 呈报单位, 30 计算年龄时间, 31 填表人, 32 填表时间. The 2.0 format has no ID number.
"""

from __future__ import annotations

import csv
import io

from zugong.core import textguard

from .formdata import AdFormData, FamilyItem, FormError, clean, normalize_date
from .lrmx import _party

POSITIONS = {
    0: "name", 1: "sex", 3: "ethnicity", 4: "native_place", 6: "health", 7: "birthplace",
    11: "professional_title", 16: "specialty", 17: "resume", 18: "rewards", 19: "assessment",
    25: "current_post", 26: "proposed_post", 27: "proposed_removal", 28: "reasons", 29: "submitting_unit",
    31: "filled_by",
}
DATES = {2: ("birth", "出生年月"), 8: ("work_started", "参加工作时间"), 30: ("age_as_of", "计算年龄时间"),
         32: ("filled_on", "填表时间")}
KNOWN = set(POSITIONS) | set(DATES) | {5, 9, 10, 20, 21, 22, 23, 24}
MIN_FIELDS = 20


def _split(text: str, sep: str, n: int) -> list[str]:
    parts = [p.strip() for p in text.split(sep)]
    return (parts + [""] * n)[:n]


def parse_lrm(data: bytes, photo: bytes | None = None) -> AdFormData:
    """Read a .lrm record (and its .pic photo, if any); raises FormError with the reason in Chinese."""
    if not data or not data.strip():
        raise FormError("文件是空的")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise FormError("文件编码不对：.lrm 应为 GB2312 编码的文本") from None
    if "\x00" in text:
        raise FormError("不是 .lrm 文本文件（含有二进制内容）")
    text = text.rstrip("\x1a")  # a DOS end-of-file mark some old tools append
    found = textguard.find(text, multiline=True)
    if found:
        raise FormError(f"文件含有不可见的控制字符（{textguard.describe(found)}），请在任免表编辑器中改正后重新导入")
    rows = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), skipinitialspace=True) if r]
    if not rows:
        raise FormError("文件没有内容")
    fields = [f for row in rows for f in row] if len(rows) > 1 else rows[0]
    if len(fields) < MIN_FIELDS:
        raise FormError(f"不是 .lrm 任免审批表：只有 {len(fields)} 个字段，应有 33 个")
    fields = [clean(f) for f in fields] + [""] * max(0, 33 - len(fields))
    form = AdFormData(source_format="lrm", photo=photo or None)
    for pos, attr in POSITIONS.items():
        setattr(form, attr, fields[pos])
    for pos, (attr, label) in DATES.items():
        setattr(form, attr, normalize_date(fields[pos], label))
    form.party_joined = _party(fields[5])
    full, onjob = _split(fields[9], "@", 2)
    form.fulltime_education, form.fulltime_degree = _split(full, "#", 2)
    form.onjob_education, form.onjob_degree = _split(onjob, "#", 2)
    full, onjob = _split(fields[10], "@", 2)
    form.fulltime_education_school, form.fulltime_degree_school = _split(full, "#", 2)
    form.onjob_education_school, form.onjob_degree_school = _split(onjob, "#", 2)
    columns = [fields[i].split("@") if fields[i] else [] for i in range(20, 25)]
    count = max(len(c) for c in columns)
    for i in range(count):
        values = [c[i].strip() if i < len(c) else "" for c in columns]
        if any(values):
            form.family.append(FamilyItem(*values))
    for pos, value in enumerate(fields):
        if pos not in KNOWN and value:
            form.unknown[f"第{pos}项"] = value[:200]
    if not form.name:
        raise FormError("缺少姓名（第 0 项）")
    if photo is None:
        form.notes.append("没有同名的 .pic 照片文件")
    return form


def write_lrm(form: AdFormData) -> bytes:
    """A .lrm record (GB18030 ⊇ GB2312) — used by the tests to make 2.0 files; the export writes .lrmx."""
    fields = [""] * 33
    for pos, attr in POSITIONS.items():
        fields[pos] = getattr(form, attr)
    for pos, (attr, _label) in DATES.items():
        fields[pos] = getattr(form, attr)
    fields[5] = form.party_joined
    fields[9] = f"{form.fulltime_education}#{form.fulltime_degree}@{form.onjob_education}#{form.onjob_degree}"
    fields[10] = (f"{form.fulltime_education_school}#{form.fulltime_degree_school}@"
                  f"{form.onjob_education_school}#{form.onjob_degree_school}")
    for i, attr in enumerate(["relation", "name", "birth", "political_status", "work"]):
        fields[20 + i] = "@".join(getattr(f, attr) for f in form.family)
    text = ",".join('"' + f.replace('"', '""').replace("\n", "\r\n") + '"' for f in fields)
    return text.encode("gb18030")
