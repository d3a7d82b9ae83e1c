"""Calendar arithmetic as the regulations count it ("within one month of 3-15" ends 4-15)."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (earlier if negative), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from start to end, as add_months counts them (2023-08-31 → 2024-06-30 is 10)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in whole years on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def cn_date(day: dt.date | None) -> str:
    """A date as written in documents: 2025年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def months_days(first: dt.date, last: dt.date) -> str:
    """"3 个月" or "20 天" between two dates (whole months when a month or more)."""
    months = (last.year - first.year) * 12 + last.month - first.month - (last.day < first.day)
    return f"{months} 个月" if months >= 1 else f"{(last - first).days} 天"
