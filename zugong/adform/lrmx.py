""".lrmx (任免表编辑器 3.x): UTF-8 XML, root `<Person>`, flat child elements named in pinyin (lrmx.md).

Read with defusedxml: files come from other offices, so DTDs, entity declarations and external references
are refused (an entity-expansion bomb is reported as an unreadable file, never expanded). The writer emits the
elements in the order of lrmx.md, which is the editor's own order, including the two 2025 fields.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from zugong.core import textguard

from .formdata import AdFormData, FamilyItem, FormError, clean, normalize_date

# element → (AdFormData attribute, kind); the order is the editor's and the writer's
FIELDS: list[tuple[str, str, str]] = [
    ("XingMing", "name", "text"),
    ("XingBie", "sex", "text"),
    ("ChuShengNianYue", "birth", "date"),
    ("MinZu", "ethnicity", "text"),
    ("JiGuan", "native_place", "text"),
    ("ChuShengDi", "birthplace", "text"),
    ("RuDangShiJian", "party_joined", "party"),
    ("CanJiaGongZuoShiJian", "work_started", "date"),
    ("JianKangZhuangKuang", "health", "text"),
    ("ZhuanYeJiShuZhiWu", "professional_title", "text"),
    ("ShuXiZhuanYeYouHeZhuanChang", "specialty", "text"),
    ("QuanRiZhiJiaoYu_XueLi", "fulltime_education", "text"),
    ("QuanRiZhiJiaoYu_XueWei", "fulltime_degree", "text"),
    ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "fulltime_education_school", "text"),
    ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "fulltime_degree_school", "text"),
    ("ZaiZhiJiaoYu_XueLi", "onjob_education", "text"),
    ("ZaiZhiJiaoYu_XueWei", "onjob_degree", "text"),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "onjob_education_school", "text"),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "onjob_degree_school", "text"),
    ("XianRenZhiWu", "current_post", "text"),
    ("NiRenZhiWu", "proposed_post", "text"),
    ("NiMianZhiWu", "proposed_removal", "text"),
    ("JianLi", "resume", "text"),
    ("JiangChengQingKuang", "rewards", "text"),
    ("NianDuKaoHeJieGuo", "assessment", "text"),
    ("RenMianLiYou", "reasons", "text"),
    ("JiaTingChengYuan", "family", "family"),
    ("ChengBaoDanWei", "submitting_unit", "text"),
    ("JiSuanNianLingShiJian", "age_as_of", "date"),
    ("TianBiaoShiJian", "filled_on", "date"),
    ("TianBiaoRen", "filled_by", "text"),
    ("ShenFenZheng", "id_number", "text"),
    ("ZhaoPian", "photo", "photo"),
    ("Version", "version", "text"),
    ("DaoLingNianYue", "retirement_month", "date"),
    ("GaiGeQianRenZhiNianLingJieXian", "pre_reform_age_limit", "text"),
]
LABELS = {
    "XingMing": "姓名", "XingBie": "性别", "ChuShengNianYue": "出生年月", "RuDangShiJian": "入党时间",
    "CanJiaGongZuoShiJian": "参加工作时间", "JiSuanNianLingShiJian": "计算年龄时间", "TianBiaoShiJian": "填表时间",
    "DaoLingNianYue": "到龄年月", "ZhaoPian": "照片",
}
FAMILY_FIELDS = [
    ("ChengWei", "relation"), ("XingMing", "name"), ("ChuShengRiQi", "birth"),
    ("ZhengZhiMianMao", "political_status"), ("GongZuoDanWeiJiZhiWu", "work"),
]
FAMILY_CAP = 10  # writers cap the family table at 10 rows
WRITER_VERSION = "3.2.1.16"
_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_BY_TAG = {tag: (attr, kind) for tag, attr, kind in FIELDS}


def parse_lrmx(data: bytes) -> AdFormData:
    """Read a .lrmx file; raises FormError with the reason in Chinese."""
    if not data or not data.strip():
        raise FormError("文件是空的")
    text, note = _decode(data)
    try:
        root = fromstring(_DECL.sub("", text, count=1).encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException:
        raise FormError("文件含有 DTD 或实体声明（可能是恶意构造的 XML），已拒绝读取") from None
    except ParseError as exc:
        raise FormError(f"XML 格式错误，文件可能已损坏或不完整（{exc}）") from None
    if _local(root.tag) != "Person":
        raise FormError(f"不是任免审批表文件：根元素是 <{_local(root.tag)}>，应为 <Person>")
    form = AdFormData(source_format="lrmx")
    if note:
        form.notes.append(note)
    for child in root:
        tag = _local(child.tag)
        if tag not in _BY_TAG:
            form.unknown[tag] = clean("".join(child.itertext()))[:200]
            continue
        attr, kind = _BY_TAG[tag]
        text = child.text if kind != "family" else None
        if kind == "text":
            found = textguard.find(text or "", multiline=True)
            if found:
                raise FormError(f"“{LABELS.get(tag, tag)}”含有不可见的控制字符（{textguard.describe(found)}），请在任免表"
                                "编辑器中改正后重新导入")
            setattr(form, attr, clean(text))
        elif kind == "date":
            setattr(form, attr, normalize_date(text, LABELS.get(tag, tag)))
        elif kind == "party":
            form.party_joined = _party(clean(text))
        elif kind == "photo":
            form.photo = _photo(text)
        elif kind == "family":
            form.family = [_family(item) for item in child if _local(item.tag) == "Item"]
    if not form.name:
        raise FormError("缺少姓名（XingMing）")
    return form


def _decode(data: bytes) -> tuple[str, str]:
    """The file's text: UTF-8 as the format says; UTF-16 with a BOM and GB18030 (old tools) are accepted
    with a note; anything else is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "文件是 UTF-16 编码（应为 UTF-8），已按 UTF-16 读取"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "文件不是 UTF-8 编码，已按 GB18030（GBK）读取，请核对姓名等文字"
    except UnicodeDecodeError:
        raise FormError("文件编码不对：.lrmx 应为 UTF-8 编码的 XML，本文件既不是 UTF-8 也不是 GBK") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _party(text: str) -> str:
    """`YYYYMM`, `YYYY.MM`, a party name, or `YYYYMM；党派名`: dates normalized, names kept."""
    if not text:
        return ""
    for sep in ("；", ";"):
        if sep in text:
            date, _, name = text.partition(sep)
            return f"{normalize_date(date, '入党时间')}；{name.strip()}"
    try:
        return normalize_date(text, "入党时间")
    except FormError:
        if text[:1].isdigit():
            raise
        return text  # a 民主党派 name


def _photo(text: str | None) -> bytes | None:
    raw = "".join((text or "").split())
    if not raw:
        return None
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise FormError("照片（ZhaoPian）不是有效的 base64 数据") from None


def _family(item) -> FamilyItem:
    values = {_local(c.tag): clean(c.text) for c in item}
    return FamilyItem(**{attr: values.get(tag, "") for tag, attr in FAMILY_FIELDS})


# ---------------------------------------------------------------- writing


def _esc(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r\n", "\n").replace("\n", "\r\n")  # the editor is a Windows program


def write_lrmx(form: AdFormData) -> bytes:
    """The .lrmx bytes of a form (UTF-8, elements in the editor's order, both 2025 fields written)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<Person>"]
    for tag, attr, kind in FIELDS:
        if kind == "family":
            out.append("  <JiaTingChengYuan>")
            for item in form.family[:FAMILY_CAP]:
                out.append("    <Item>")
                for ftag, fattr in FAMILY_FIELDS:
                    out.append(f"      <{ftag}>{_esc(getattr(item, fattr))}</{ftag}>")
                out.append("    </Item>")
            out.append("  </JiaTingChengYuan>")
            continue
        if kind == "photo":
            value = base64.b64encode(form.photo).decode("ascii") if form.photo else ""
        elif kind == "text" and tag == "Version":
            value = form.version or WRITER_VERSION
        else:
            value = getattr(form, attr) or ""
        out.append(f"  <{tag}>{_esc(value)}</{tag}>" if value else f"  <{tag} />")
    out.append("</Person>")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")
