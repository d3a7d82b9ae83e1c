import pytest

from zugong.core.refdata import EDUCATION, ETHNICITIES, POLITICAL_STATUS, SECTORS, SEXES, lookup

OFFICIAL_ETHNIC_ORDER = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 "
    "傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 "
    "仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()


def test_ethnicities_follow_gb3304():
    assert len(ETHNICITIES) == 58
    assert ETHNICITIES[:56] == tuple((f"{i:02d}", name) for i, name in enumerate(OFFICIAL_ETHNIC_ORDER, start=1))
    assert ETHNICITIES[56:] == (("97", "其他"), ("98", "外国血统中国籍人士"))


@pytest.mark.parametrize("choices", [ETHNICITIES, EDUCATION, SEXES, POLITICAL_STATUS, SECTORS])
def test_codes_and_labels_are_unique(choices):
    assert len({code for code, _ in choices}) == len(choices)
    assert len({label for _, label in choices}) == len(choices)


def test_education_main_codes():
    assert [code for code, _ in EDUCATION] == ["10", "11", "14", "20", "30", "40", "60", "70", "80", "90"]
    assert dict(EDUCATION)["20"] == "大学本科"


def test_political_status_codes():
    assert POLITICAL_STATUS[0] == ("01", "中共党员")
    assert POLITICAL_STATUS[-1] == ("13", "群众")
    assert [code for code, _ in POLITICAL_STATUS] == [f"{i:02d}" for i in range(1, 14)]


def test_sexes_and_sectors():
    assert SEXES == (("1", "男"), ("2", "女"))
    assert dict(SECTORS)["private"] == "非公有制企业"


@pytest.mark.parametrize(
    "choices, value, expected",
    [
        (ETHNICITIES, "01", "01"), (ETHNICITIES, "汉族", "01"), (ETHNICITIES, "汉", "01"), (ETHNICITIES, " 蒙古 ", "02"),
        (ETHNICITIES, 1, "01"), (ETHNICITIES, 1.0, "01"), (ETHNICITIES, "3", "03"), (ETHNICITIES, "其他", "97"),
        (ETHNICITIES, "火星族", None), (ETHNICITIES, "", None), (ETHNICITIES, None, None), (ETHNICITIES, "本科", None),
        (EDUCATION, "本科", "20"), (EDUCATION, "大学本科", "20"), (EDUCATION, "大专", "30"), (EDUCATION, "中专", "40"),
        (EDUCATION, "硕士", "14"), (EDUCATION, "小学及以下", "80"), (EDUCATION, "其他", "90"), (EDUCATION, 20, "20"),
        (SEXES, "男", "1"), (SEXES, "女性", "2"), (SEXES, 2, "2"), (SEXES, "其他", None),
        (POLITICAL_STATUS, "中国共产党党员", "01"), (POLITICAL_STATUS, "预备党员", "02"), (POLITICAL_STATUS, "群众", "13"),
        (POLITICAL_STATUS, "13", "13"), (SECTORS, "soe", "soe"), (SECTORS, "SOE", "soe"), (SECTORS, "国企", "soe"),
        (SECTORS, "社区", "community"), (SECTORS, "其他", "other"),
    ],
)
def test_lookup(choices, value, expected):
    assert lookup(choices, value) == expected


def test_lookup_full_width_input():
    assert lookup(ETHNICITIES, "０１") == "01"


def test_code_12_is_the_gb4762_name():
    # GB/T 4762 政治面貌 code 12 is 无党派民主人士 (regulations.md §10, J11); the shorter word still imports.
    assert dict(POLITICAL_STATUS)["12"] == "无党派民主人士"
    assert lookup(POLITICAL_STATUS, "无党派人士") == "12"
    assert lookup(POLITICAL_STATUS, "无党派民主人士") == "12"
