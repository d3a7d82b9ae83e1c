from datetime import date

import pytest

from zugong.people.idnumber import (
    IdInfo,
    IdNumberError,
    check_consistency,
    compute_check_char,
    make_id_number,
    parse_id_number,
)


def test_parses_standard_example_with_x_check_char():
    info = parse_id_number("11010519491231002X")
    assert info == IdInfo("11010519491231002X", date(1949, 12, 31), "女", "110105", False)


def test_male_and_female_from_sequence_parity():
    assert parse_id_number(make_id_number("140105", date(1980, 1, 1), 11)).sex == "男"
    assert parse_id_number(make_id_number("140105", date(1980, 1, 1), 12)).sex == "女"


def test_lower_case_x_whitespace_and_full_width_are_accepted():
    assert parse_id_number(" 110105 19491231 002x\n").number == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


def test_gb11643_example_1880_has_valid_checksum_but_is_before_1900():
    # The standard's own example (born 1880) passes the checksum; the platform rejects births before 1900.
    assert compute_check_char("44052418800101001") == "4"
    with pytest.raises(IdNumberError, match="18800101 早于1900年"):
        parse_id_number("440524188001010014")


def test_converts_15_digit_numbers():
    info = parse_id_number("110105491231002")
    assert info.number == "11010519491231002X"
    assert info.converted_from_15 is True
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "女"


@pytest.mark.parametrize("raw", ["", "1101051949123100", "1101051949123100XX", "11010519491231002Y", "X1010519491231002",
                                 "11010549123100X", "11010519491231002X1", "11010519491231002 X 1"])
def test_rejects_wrong_length_or_characters(raw):
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(raw)
    assert str(exc.value) == "公民身份号码应为18位（或旧版15位）数字，末位可为X"


def test_non_ascii_digits_are_rejected():
    with pytest.raises(IdNumberError):
        parse_id_number("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X")  # Arabic-Indic digits survive NFKC


def test_leap_days():
    assert parse_id_number(make_id_number("140105", date(2000, 2, 29), 1)).birth_date == date(2000, 2, 29)
    body = "14010519000229001"
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(body + compute_check_char(body))
    assert str(exc.value) == "公民身份号码中的出生日期 19000229 不是有效日期"


def test_invalid_date_message():
    body = "14010519990230001"
    with pytest.raises(IdNumberError, match="^公民身份号码中的出生日期 19990230 不是有效日期$"):
        parse_id_number(body + compute_check_char(body))


def test_rejects_future_birth_date():
    number = make_id_number("140105", date(2030, 1, 1), 1)
    with pytest.raises(IdNumberError, match="20300101 晚于今天"):
        parse_id_number(number, today=date(2029, 12, 31))
    assert parse_id_number(number, today=date(2030, 1, 1)).birth_date == date(2030, 1, 1)


def test_checksum_error_names_expected_and_actual():
    with pytest.raises(IdNumberError) as exc:
        parse_id_number("110105194912310023")
    assert str(exc.value) == "公民身份号码校验码错误：末位应为 X，实为 3"


@pytest.mark.parametrize("prefix", ["10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "70",
                                    "72", "80", "83", "99", "00"])
def test_rejects_unknown_province_prefix(prefix):
    number = make_id_number(prefix + "0105", date(1980, 1, 1), 1)
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(number)
    assert str(exc.value) == f"公民身份号码前两位 {prefix} 不是有效的省级行政区划代码"


@pytest.mark.parametrize("prefix", ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71",
                                    "81", "82"])
def test_accepts_every_province_range_boundary(prefix):
    assert parse_id_number(make_id_number(prefix + "0101", date(1980, 1, 1), 1)).area_code == prefix + "0101"


def test_province_is_checked_before_date_for_15_digit_numbers():
    with pytest.raises(IdNumberError, match="前两位 99"):
        parse_id_number("990105491231002")


def test_make_id_number_round_trips():
    number = make_id_number("141002", date(1975, 6, 30), 123)
    assert number[:17] == "14100219750630123"
    info = parse_id_number(number)
    assert (info.area_code, info.birth_date, info.sex) == ("141002", date(1975, 6, 30), "男")


@pytest.mark.parametrize("area, seq", [("14010", 1), ("1401051", 1), ("14010x", 1), ("140105", -1), ("140105", 1000)])
def test_make_id_number_rejects_bad_parts(area, seq):
    with pytest.raises(ValueError):
        make_id_number(area, date(1980, 1, 1), seq)


def test_consistency_messages():
    info = parse_id_number(make_id_number("140105", date(1980, 1, 1), 1))  # male
    assert check_consistency(info) == []
    assert check_consistency(info, date(1980, 1, 1), "男") == []
    assert check_consistency(info, sex="1") == []
    assert check_consistency(info, date(1980, 1, 2), "女") == [
        "出生日期 1980-01-02 与公民身份号码中的 1980-01-01 不一致",
        "性别“女”与公民身份号码（男）不一致",
    ]
    assert check_consistency(info, sex="2") == ["性别“女”与公民身份号码（男）不一致"]
    assert check_consistency(info, sex=" ") == []
    assert check_consistency(info, sex="未知") == ["性别“未知”无法识别，应为“男”或“女”"]
