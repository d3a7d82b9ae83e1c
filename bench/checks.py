"""What the benchmarked pages must show, computed independently of the views: plain SQL over the tables
(written from the pages' documented meaning, not by calling the views' querysets or filtersets), so a view that
answers fast but wrong fails its bench. Each function returns the `expected` dict of harness.verify_list (or
a verify function of its own)."""

from __future__ import annotations

import datetime as dt

from harness import BenchFailure, parse_list, rows, scalar

PER_PAGE = 50
# The roster's education bands (the GB/T 4658 codes each band covers), written out again here on purpose.
EDUCATION_CODES = {"graduate": ("10", "11", "14"), "bachelor": ("20",), "college": ("30",),
                   "lower": ("40", "60", "70", "80", "90")}


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # the characters of an organization path


def next_path(path: str) -> str | None:
    """The first path of the same length after every path that starts with `path` ("00010009" → "0001000A",
    "000Z" → "0010"), None when there is none."""
    if not path or any(c not in ALPHABET for c in path):
        raise ValueError(f"not an organization path: {path!r}")
    chars = list(path)
    for i in range(len(chars) - 1, -1, -1):
        k = ALPHABET.index(chars[i])
        if k + 1 < len(ALPHABET):
            chars[i] = ALPHABET[k + 1]
            return "".join(chars)
        chars[i] = ALPHABET[0]
    return None


def prefix(column: str, path: str) -> tuple[str, list]:
    """Rows whose `column` starts with `path`: LIKE 'path%' (the meaning), bounded by [path, next_path) so that
    a btree index serves it on both databases (the views use their own range, path … path + 'ZZZ…')."""
    upper = next_path(path)
    if upper is None:
        return f"({column} >= %s AND {column} LIKE %s)", [path, path + "%"]
    return f"({column} >= %s AND {column} < %s AND {column} LIKE %s)", [path, upper, path + "%"]


def _in(values) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def first_ids(table: str, where: str, params: list, order: list[str], offset: int = 0) -> set | None:
    """The pks of the rows that sort at position `offset` (several when the order has ties), None if none."""
    cols = ", ".join(order)
    found = rows(f"SELECT {cols} FROM {table} WHERE {where} ORDER BY {cols} LIMIT 1 OFFSET {int(offset)}", params)
    if not found:
        return None
    conds, values = [], []
    for col, value in zip(order, found[0]):
        if value is None:
            conds.append(f"{col} IS NULL")
        else:
            conds.append(f"{col} = %s")
            values.append(value)
    return {pk for (pk,) in rows(f"SELECT id FROM {table} WHERE {where} AND {' AND '.join(conds)}",
                                 [*params, *values])}


def listing(table: str, where: str, params: list, order: list[str], page: int = 1) -> dict:
    count = scalar(f"SELECT COUNT(*) FROM {table} WHERE {where}", params)
    offset = last_page_offset(page, count)
    return {"count": count, "offset": offset, "first": first_ids(table, where, params, order, offset)
            if count > offset else None}


def last_page_offset(page: int, count: int) -> int:
    """The first row's offset of page `page`; a page past the end shows the last page (the paginator's rule)."""
    offset = (page - 1) * PER_PAGE
    return (count - 1) // PER_PAGE * PER_PAGE if count and offset >= count else offset


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ---------------------------------------------------------------- people, organizations, search


PEOPLE_ORDERS = {"": ["org_path", "stroke_key"], "stroke": ["stroke_key"], "pinyin": ["pinyin_key"]}


def people_list(path: str, order: str = "", page: int = 1) -> dict:
    return listing("people_person", *prefix("org_path", path), PEOPLE_ORDERS[order], page)


def org_list(path: str, page: int = 1) -> dict:
    return listing("orgs_organization", *prefix("path", path), ["path"], page)


def tree_children(path: str, depth: int) -> list[int]:
    where, params = prefix("path", path)
    return [pk for (pk,) in rows(f"SELECT id FROM orgs_organization WHERE {where} AND depth = %s ORDER BY path",
                                 [*params, depth + 1])]


def verify_tree(html: str, expected: list[int]) -> None:
    import re

    shown = [int(pk) for pk in re.findall(r'<li id="node-(\d+)"', html)]
    if shown != expected:
        raise BenchFailure(f"the tree shows {len(shown)} children {shown[:5]}…, expected {len(expected)} "
                           f"{expected[:5]}…")


def search_condition(q: str) -> tuple[str, list]:
    """Pinyin initials or full pinyin: the name's initials or its pinyin start with the text."""
    q = q.lower()
    return "(name_initials LIKE %s OR name_pinyin LIKE %s)", [q + "%", q + "%"]


def verify_search(q: str, limit: int = 50):
    """The search page shows min(limit, N) people, N counted independently, each matching the text; an ID tail
    (digits): every person shown has an ID number ending with it, and there is at least one."""

    def verify(html, expected):
        shown = parse_list(html, "search-people")["links"]
        pks = [pk for pk, _name in shown]
        if q.isdigit():
            from zugong.people.models import Person

            numbers = dict(Person.objects.unrestricted().filter(pk__in=pks).values_list("pk", "id_number"))
            wrong = [pk for pk in pks if not str(numbers.get(pk, "")).upper().endswith(q.upper())]
            if wrong or not pks:
                raise BenchFailure(f"search {q!r}: {len(pks)} shown, not ending with {q}: {wrong[:5]}")
            return
        where, params = search_condition(q)
        if len(pks) != min(limit, expected):
            raise BenchFailure(f"search {q!r} shows {len(pks)} people, expected {min(limit, expected)} of {expected}")
        if pks:
            n = scalar(f"SELECT COUNT(*) FROM people_person WHERE id IN {_in(pks)} AND {where}", [*pks, *params])
            if n != len(pks):
                raise BenchFailure(f"search {q!r}: {len(pks) - n} of the people shown do not match")

    return verify


def search_count(q: str) -> int:
    where, params = search_condition(q)
    return scalar(f"SELECT COUNT(*) FROM people_person WHERE {where}", params)


# ---------------------------------------------------------------- the cadre roster


def roster(params: dict, path: str | None = None, today: dt.date | None = None, page: int = 1) -> dict:
    """The roster's count and first row for the filters in `params` (the roster's query-string names)."""
    from zugong.cadres import ranks  # the rank lists are data (which ranks are posts, which grades)

    today = today or dt.date.today()
    where, values = [], []
    if params.get("status"):
        where.append("status = %s"), values.append(params["status"])
    else:
        where.append("status = %s"), values.append("active")
    if path is not None:
        sql, bounds = prefix("org_path", path)
        where.append(sql), values.extend(bounds)
    if "level" in params:
        where.append("rank_level = %s"), values.append(int(params["level"]))
    if "rank" in params:
        where.append("rank = %s"), values.append(params["rank"])
    if "sex" in params:
        where.append("sex = %s"), values.append(params["sex"])
    if "age" in params:
        low, _, high = params["age"].partition("-")
        if low:
            where.append("birth_date <= %s"), values.append(years_before(today, int(low)))
        if high:
            where.append("birth_date > %s"), values.append(years_before(today, int(high) + 1))
    if "education" in params:
        codes = EDUCATION_CODES[params["education"]]
        where.append(f"education IN {_in(codes)}"), values.extend(codes)
    if params.get("party") == "cpc":
        where.append("party_status IN ('01', '02')")
    if params.get("ethnicity") == "minority":
        where.append("(ethnicity IS NULL OR ethnicity <> '01')")
    if "rank_kind" in params:
        kinds = list(ranks.POST_RANKS if params["rank_kind"] == "post" else ranks.GRADE_RANKS)
        where.append(f"rank IN {_in(kinds)}"), values.extend(kinds)
    if "post" in params:
        where.append("current_title LIKE %s"), values.append(f"%{params['post']}%")
    order = (["org_path", "post_order", "rank_order", "stroke_key", "id"] if params.get("sort") == "post"
             else ["org_path", "stroke_key", "id"])
    return listing("cadres_cadre", " AND ".join(where), values, order, page)


# ---------------------------------------------------------------- terms (换届) and teams


_DUE = ("COALESCE((SELECT a.due_on FROM elections_termadjustment a WHERE a.organization_id = o.id"
        " AND a.term_ends_on = o.term_ends_on ORDER BY a.approved_on DESC, a.id DESC LIMIT 1), o.term_ends_on)")


def terms(path: str | None, *, overdue: bool, window_end: dt.date | None = None, today: dt.date | None = None,
          kind: str | None = None, page: int = 1) -> dict:
    """Active organizations with an elected committee (no party groups) whose election is due: before today
    (overdue) or by the end of the reminder window; ordered by the due date, then path."""
    today = today or dt.date.today()
    where = ["o.status = 'active'", "o.term_ends_on IS NOT NULL", "o.kind <> 'party_group'"]
    values: list = []
    where.append(f"{_DUE} < %s" if overdue else f"{_DUE} <= %s")
    values.append(today if overdue else window_end)
    if path:
        sql, bounds = prefix("o.path", path)
        where.append(sql), values.extend(bounds)
    if kind:
        where.append("o.kind = %s"), values.append(kind)
    sql = f"FROM orgs_organization o WHERE {' AND '.join(where)}"
    count = scalar(f"SELECT COUNT(*) {sql}", values)
    offset = last_page_offset(page, count)
    first = rows(f"SELECT o.id {sql} ORDER BY {_DUE}, o.path LIMIT 1 OFFSET {offset}", values)
    return {"count": count, "offset": offset,
            "first": {first[0][0]} if first else None}


def vacant_teams(path: str | None, today: dt.date | None = None, page: int = 1) -> dict:
    """Teams with a vacancy today: Σ over their posts of max(quota − current holders, 0) > 0, a holder being
    a seat whose cadre post started on or before today and has not ended; ordered by path, order, pk."""
    today = today or dt.date.today()
    sql = (
        "WITH held AS (SELECT m.team_post_id AS post, COUNT(*) AS n FROM teams_teammember m"
        " JOIN cadres_cadrepost cp ON cp.id = m.post_id WHERE cp.start_on <= %s"
        " AND (cp.end_on IS NULL OR cp.end_on > %s) GROUP BY m.team_post_id),"
        " vac AS (SELECT p.team_id AS team, SUM(CASE WHEN p.quota > COALESCE(h.n, 0)"
        " THEN p.quota - COALESCE(h.n, 0) ELSE 0 END) AS v FROM teams_teampost p"
        " LEFT JOIN held h ON h.post = p.id GROUP BY p.team_id)"
        " SELECT t.id FROM teams_leadershipteam t JOIN vac ON vac.team = t.id WHERE vac.v > 0"
    )
    values: list = [today, today]
    if path:
        where, params = prefix("t.org_path", path)
        sql += f" AND {where}"
        values.extend(params)
    ids = [pk for (pk,) in rows(sql + ' ORDER BY t.org_path, t."order", t.id', values)]
    offset = last_page_offset(page, len(ids))
    return {"count": len(ids), "offset": offset, "first": {ids[offset]} if len(ids) > offset else None}
