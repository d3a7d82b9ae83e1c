"""Reading and writing .lrmx / .lrm without the database: round trip, messy and hostile inputs."""

import io
import zipfile
from dataclasses import asdict

import pytest

from zugong.adform import lrm, lrmx, sources
from zugong.adform.formdata import FormError, normalize_date

from .samples import sample_form

ID = "140105196505170017"


def _full():
    return sample_form(id_number=ID, retirement_month="202507", pre_reform_age_limit="改革前任职年龄界限为60岁")


def test_lrmx_round_trip_keeps_every_field():
    form = _full()
    again = lrmx.parse_lrmx(lrmx.write_lrmx(form))
    assert asdict(again) == asdict(form)


def test_writer_uses_the_editor_element_order():
    text = lrmx.write_lrmx(_full()).decode("utf-8")
    positions = [text.index(f"<{tag}") for tag, _a, _k in lrmx.FIELDS]
    assert positions == sorted(positions)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<DaoLingNianYue>202507</DaoLingNianYue>" in text
    assert "<GaiGeQianRenZhiNianLingJieXian>改革前任职年龄界限为60岁</GaiGeQianRenZhiNianLingJieXian>" in text
    assert "<Item>" in text and "<ChengWei>妻子</ChengWei>" in text


def test_pre_reform_file_without_2025_fields_and_with_dotted_dates():
    xml = ("<?xml version='1.0' encoding='utf-8'?><Person><XingMing>李红</XingMing><XingBie>女</XingBie>"
           "<ChuShengNianYue>1972.03</ChuShengNianYue><RuDangShiJian>19950701</RuDangShiJian>"
           "<CanJiaGongZuoShiJian>1993.7</CanJiaGongZuoShiJian><JiaTingChengYuan/><Version>3.2.1.6</Version>"
           "<SomethingNew>x</SomethingNew></Person>")
    form = lrmx.parse_lrmx(xml.encode("utf-8"))
    assert (form.birth, form.party_joined, form.work_started) == ("197203", "19950701", "199307")
    assert form.retirement_month == "" and form.family == []
    assert form.unknown == {"SomethingNew": "x"}


@pytest.mark.parametrize("text, expected", [
    ("196505", "196505"), ("19650517", "19650517"), ("1965.05", "196505"), ("1965.5", "196505"),
    ("1965-05-17", "19650517"), ("1965年5月", "196505"), ("", ""),
])
def test_dates_normalized(text, expected):
    assert normalize_date(text) == expected


def test_party_name_instead_of_date():
    base = "<Person><XingMing>甲</XingMing><RuDangShiJian>{}</RuDangShiJian></Person>"
    assert lrmx.parse_lrmx(base.format("民盟").encode()).party_joined == "民盟"
    assert lrmx.parse_lrmx(base.format("2005.06；民盟").encode()).party_joined == "200506；民盟"


@pytest.mark.parametrize("data, message", [
    (b"", "文件是空的"),
    (b"<Person><XingMing>", "XML 格式错误"),
    (b"<Root><XingMing>x</XingMing></Root>", "根元素是 <Root>"),
    (b"<Person><XingBie>\xe7\x94\xb7</XingBie></Person>", "缺少姓名"),
    (b"<Person><XingMing>x</XingMing><ChuShengNianYue>abc</ChuShengNianYue></Person>", "出生年月“abc”不是日期"),
    (b"<Person><XingMing>x</XingMing><ZhaoPian>@@@</ZhaoPian></Person>", "照片（ZhaoPian）不是有效的 base64"),
    (b"\xff\xfe\x00\xd8\x00\xdc\xff\xff\x81\x30", "XML"),
])
def test_broken_files_report_the_reason(data, message):
    with pytest.raises(FormError, match=message):
        lrmx.parse_lrmx(data)


def test_gbk_file_is_read_with_a_note():
    xml = '<?xml version="1.0" encoding="GB2312"?><Person><XingMing>王建国</XingMing></Person>'
    form = lrmx.parse_lrmx(xml.encode("gb2312"))
    assert form.name == "王建国"
    assert "不是 UTF-8 编码" in form.notes[0]


def test_entity_expansion_refused():
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            '<Person><XingMing>&lol3;</XingMing></Person>')
    with pytest.raises(FormError, match="DTD 或实体声明"):
        lrmx.parse_lrmx(bomb.encode())
    external = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                '<Person><XingMing>&x;</XingMing></Person>')
    with pytest.raises(FormError, match="DTD 或实体声明"):
        lrmx.parse_lrmx(external.encode())


def test_lrm_with_and_without_pic():
    form = _full()
    data = lrm.write_lrm(form)
    with_pic = lrm.parse_lrm(data, form.photo)
    for attr in ("name", "birth", "resume", "rewards", "assessment", "fulltime_degree", "onjob_education_school",
                 "party_joined", "age_as_of", "filled_by", "submitting_unit", "proposed_post"):
        assert getattr(with_pic, attr) == getattr(form, attr), attr
    assert with_pic.family == form.family and with_pic.photo == form.photo and with_pic.notes == []
    without = lrm.parse_lrm(data)
    assert without.photo is None and without.notes == ["没有同名的 .pic 照片文件"]
    with pytest.raises(FormError, match="只有 3 个字段"):
        lrm.parse_lrm('"a","b","c"'.encode("gb2312"))


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_with_a_bad_file_among_good_ones():
    good = lrmx.write_lrmx(_full())
    form = _full()
    data = _zip({
        "a/王建国.lrmx": good, "a/坏文件.lrmx": b"<Person><XingMing>", "b/旧表.lrm": lrm.write_lrm(form),
        "b/旧表.pic": form.photo, "说明.txt": b"hello", "__MACOSX/._x.lrmx": b"junk",
    })
    parsed = sources.parse_all(sources.read_upload("批量.zip", data))
    by_name = {p.name: p for p in parsed}
    assert set(by_name) == {"批量.zip/a/王建国.lrmx", "批量.zip/a/坏文件.lrmx", "批量.zip/b/旧表.lrm", "批量.zip/说明.txt"}
    assert by_name["批量.zip/a/王建国.lrmx"].form.name == "王建国"
    assert "XML 格式错误" in by_name["批量.zip/a/坏文件.lrmx"].error
    assert by_name["批量.zip/b/旧表.lrm"].form.photo == form.photo
    assert "不是任免审批表文件" in by_name["批量.zip/说明.txt"].error


def test_gbk_names_in_zip_and_broken_zip(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ABCDEF.lrmx", lrmx.write_lrmx(_full()))  # then renamed to GBK bytes, no UTF-8 flag
    data = buf.getvalue().replace(b"ABCDEF.lrmx", "王建国.lrmx".encode("gbk"))
    parsed = sources.parse_all(sources.read_upload("x.zip", data))
    assert parsed[0].name == "x.zip/王建国.lrmx" and parsed[0].form
    assert "压缩包已损坏" in sources.parse_all(sources.read_upload("y.zip", b"PK\x03\x04broken"))[0].error


def test_folder_with_lrm_and_pic(tmp_path):
    form = _full()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "甲.lrm").write_bytes(lrm.write_lrm(form))
    (tmp_path / "sub" / "甲.pic").write_bytes(form.photo)
    (tmp_path / "乙.lrmx").write_bytes(lrmx.write_lrmx(form))
    parsed = sources.parse_all(sources.read_path(tmp_path))
    assert [p.name for p in parsed] == ["sub/甲.lrm", "乙.lrmx"]
    assert all(p.form and p.form.photo == form.photo for p in parsed)
    single = sources.parse_all(sources.read_path(tmp_path / "sub" / "甲.lrm"))
    assert single[0].form.photo == form.photo
