"""简历 text ↔ entries."""

import datetime as dt

import pytest

from zugong.adform.formdata import FormError
from zugong.adform.resume import canonical, format_resume, parse_resume

from .samples import RESUME


def test_canonical_text_round_trips():
    entries = parse_resume(RESUME)
    assert len(entries) == 4
    assert entries[2].during == "1998.09--2001.07在中央党校函授学院经济管理专业学习"
    assert entries[2].text == "太原市小店区委办公室副主任"
    assert entries[3].end is None and entries[3].start == dt.date(2003, 6, 1)
    assert format_resume(entries) == RESUME


def test_messy_text_wrapped_lines_and_dashes():
    text = ("1983.9—1987.7　山西大学学习\r\n"
            "1987.07－－2001.03  太原市小店区委办公室干部，\r\n"
            "                   副主任科员(其间:1998.09--2001.07在职学习)\r\n"
            "2001.03--至今 小店区财政局局长\r\n\r\n")
    e = parse_resume(text)
    assert [x.start for x in e] == [dt.date(1983, 9, 1), dt.date(1987, 7, 1), dt.date(2001, 3, 1)]
    assert e[1].text == "太原市小店区委办公室干部，副主任科员" and e[1].during == "1998.09--2001.07在职学习"
    assert e[2].end is None and e[2].text == "小店区财政局局长"
    assert canonical(text) == canonical(format_resume(e))


def test_text_before_any_period_is_an_error():
    with pytest.raises(FormError, match="没有起止时间"):
        parse_resume("山西大学学习\n1987.07--1995.03  干部")


def test_bad_month():
    with pytest.raises(FormError, match="月份不对"):
        parse_resume("1987.13--1995.03  干部")
