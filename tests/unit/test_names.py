import random
import re

import pytest

from zugong.people import names
from zugong.people.names import (
    name_initials,
    name_keys,
    name_pinyin,
    pinyin_key,
    split_name,
    stroke_count,
    stroke_key,
    stroke_order,
)


def test_basic_pinyin_initials_and_pinyin_key():
    assert name_pinyin("张三") == "zhangsan"
    assert name_initials("张三") == "zs"
    assert pinyin_key("张三") == "zhang san"
    assert name_keys("张三") == ("zhangsan", "zs", "zhang san", stroke_key("张三"))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("单田芳", "shantianfang"), ("曾国藩", "zengguofan"), ("区志航", "ouzhihang"), ("仇英", "qiuying"),
        ("解缙", "xiejin"), ("朴树", "piaoshu"), ("查良镛", "zhaliangyong"), ("盖叫天", "gejiaotian"),
        ("缪斯", "miaosi"), ("乐嘉", "yuejia"), ("覃明", "qinming"), ("翟志刚", "zhaizhigang"),
        ("召军", "shaojun"), ("尉迟恭", "yuchigong"), ("万俟卨", "moqixie"), ("长孙无忌", "zhangsunwuji"),
        ("澹台灭明", "tantaimieming"), ("吕方", "lvfang"),
    ],
)
def test_surname_readings(name, expected):
    assert name_pinyin(name) == expected


def test_surname_reading_only_applies_to_the_surname():
    assert name_pinyin("王单") == "wangdan"
    assert name_pinyin("李曾") == "liceng"
    assert name_pinyin("张乐") == "zhangle"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("张三", ("张", "三")), ("欧阳娜娜", ("欧阳", "娜娜")), ("司马光", ("司马", "光")), ("诸葛亮", ("诸葛", "亮")),
        ("上官婉儿", ("上官", "婉儿")), ("令狐冲", ("令狐", "冲")), ("尉迟恭", ("尉迟", "恭")),
        ("东方", ("东", "方")),  # two characters: surname 东, given name 方
        ("单于洋", ("单", "于洋")),  # 单于 is deliberately not treated as compound
        ("  王　五 ", ("王", "五")), ("阿依古丽·买买提", ("", "阿依古丽·买买提")), ("", ("", "")),
    ],
)
def test_split_name(name, expected):
    assert split_name(name) == expected


def test_compound_surname_initials_and_key():
    assert name_initials("欧阳娜娜") == "oynn"
    assert pinyin_key("欧阳娜娜") == "ou yang na na"


def test_transliterated_names_drop_the_dot():
    assert name_keys("阿依古丽·买买提")[:3] == ("ayigulimaimaiti", "ayglmmt", "a yi gu li mai mai ti")
    assert "99" not in stroke_key("阿依古丽·买买提")


def test_full_width_padding_is_ignored():
    assert name_keys("王　五") == name_keys("王五")


def test_stroke_counts_and_order():
    assert [stroke_count(c) for c in "一王刘张曾"] == [1, 4, 6, 7, 12]
    assert stroke_order("王") == "1121"  # 横横竖横
    assert stroke_order("习") == "541"
    assert stroke_count("𠮷") == names.UNKNOWN_STROKES == 99
    assert stroke_order("𠮷") == ""


def test_stroke_key_is_ascii_digits_and_letters_only():
    for name in ["张三", "欧阳娜娜", "阿依古丽·买买提", "刘䶮", "吕方"]:
        assert re.fullmatch(r"[0-9a-z]+", stroke_key(name)), name


def test_fewer_strokes_first():
    assert stroke_key("王五") < stroke_key("刘一")  # 王 4 < 刘 6
    assert stroke_key("丁一") < stroke_key("王五")


def test_equal_stroke_count_ordered_by_strokes_not_pinyin():
    # All four strokes; first strokes 横 (王), 撇 (毛), 点 (文 4134 < 方 4153), 折 (尹 5113 < 孔 5211).
    surnames = ["孔", "方", "尹", "文", "王", "毛"]
    assert sorted(surnames, key=stroke_key) == ["王", "毛", "文", "方", "尹", "孔"]


def test_two_character_names_leave_an_empty_slot():
    # 姓氏笔画 convention (party congress/CPPCC lists): 王晨 reads as 王　晨, so it precedes 王沪宁.
    assert stroke_key("王晨") < stroke_key("王沪宁")
    assert stroke_key("田富") < stroke_key("田大利")
    assert stroke_key("田") < stroke_key("田富")


def test_unknown_characters_sort_after_known_ones_with_equal_prefix():
    assert stroke_key("刘大") < stroke_key("刘䶮")


def test_reproduces_an_official_list_in_surname_stroke_order():
    # 中共十九届中央政治局委员名单（按姓氏笔画为序）.
    official = (
        "丁薛祥 习近平 王晨 王沪宁 刘鹤 许其亮 孙春兰 李希 李强 李克强 李鸿忠 杨洁篪 杨晓渡 汪洋 张又侠 "
        "陈希 陈全国 陈敏尔 赵乐际 胡春华 栗战书 郭声琨 黄坤明 韩正 蔡奇"
    ).split()
    shuffled = official[:]
    random.Random(19).shuffle(shuffled)
    assert sorted(shuffled, key=stroke_key) == official


def test_identical_strokes_fall_back_to_pinyin():
    assert stroke_order("己") == stroke_order("已")  # same strokes, different characters
    assert sorted(["王已", "王己"], key=stroke_key) == ["王己", "王已"]  # ji < yi


def test_pinyin_key_sorts_by_syllable():
    assert sorted(["张三", "李四", "王五", "李阿"], key=pinyin_key) == ["李阿", "李四", "王五", "张三"]


def test_keys_fit_the_person_columns():
    long_name = "阿卜杜热合曼·买买提艾力·吐尔逊托合提" * 3
    full, initials, pkey, skey = name_keys(long_name)
    assert len(full) <= names.PINYIN_MAX and len(initials) <= names.INITIALS_MAX
    assert len(pkey) <= names.PINYIN_KEY_MAX and len(skey) <= names.STROKE_KEY_MAX


def test_empty_and_non_han_input():
    assert name_keys("") == ("", "", "", "0000")
    assert name_pinyin("Li Lei") == "lilei"
