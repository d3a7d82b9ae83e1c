"""Configurable composition standards of leadership teams: local rules (`core.LocalRule` rows), not code.

Practice varies between provinces and changes with each plan (规划纲要), so the numbers are data that an
organization department edits with the document it follows:

- template `team_composition`, one row per team level: params `{"level": 3, "young_age": 40, "women": 1,
  "young": 1, "kinds": ["party_committee", "government"]}` — the highest age counted as a young cadre (年轻干部，
  含该岁数) and the least number of women and young cadres the level's teams of those kinds must have;
- template `team_vacancy`: params `{"months": 6}` — a post short of its quota for longer is a finding.

A row applies to its organization's subtree; a row of a deeper organization (a city's own numbers) takes
precedence over the province's in its subtree. The defaults (`defaults.py`, installed by `zugong defaults
install` and by the demo seed) are common practice, marked as such in their document field.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, DateField, Q, Value, When

from zugong.core.dates import add_years
from zugong.core.models import LocalRule

COMPOSITION = "team_composition"
VACANCY = "team_vacancy"
PRACTICE = "领导班子配备要求（通行做法，默认值，请改为本地文件）"
DEFAULT_KINDS = ["party_committee", "government"]
# Young cadres by level: 省部级 50, 厅局级 45, 县处级 40, 乡科级 35 (岁及以下) — common practice, not a national rule.
DEFAULT_YOUNG_AGE = {1: 50, 2: 45, 3: 40, 4: 35}
DEFAULT_VACANCY_MONTHS = 6


def rows(template: str, day: dt.date | None = None) -> list[LocalRule]:
    """Active rows of a template in force on `day`, the deepest organization first."""
    qs = LocalRule.objects.unrestricted().filter(template=template, active=True).select_related("organization")
    if day:
        qs = qs.filter(Q(effective_from__isnull=True) | Q(effective_from__lte=day),
                       Q(effective_to__isnull=True) | Q(effective_to__gt=day))
    return sorted(qs, key=lambda r: (-len(r.organization.path), r.pk))


def level_of(row: LocalRule) -> int | None:
    try:
        return int(row.params.get("level"))
    except (TypeError, ValueError):
        return None


def deeper_paths(row: LocalRule, same_level: bool) -> list[str]:
    """Subtrees inside this row's where a deeper row of the same template (and level) takes precedence."""
    path = row.organization.path
    out = []
    for other in rows(row.template):
        p = other.organization.path
        if other.pk != row.pk and p.startswith(path) and len(p) > len(path):
            if not same_level or level_of(other) == level_of(row):
                out.append(p)
    return out


def young_ages(day: dt.date | None = None) -> list[tuple[str, int, int]]:
    """(path, level, young_age) of the configured composition rows, the deepest first."""
    out = []
    for row in rows(COMPOSITION, day):
        level = level_of(row)
        try:
            age = int(row.params.get("young_age"))
        except (TypeError, ValueError):
            continue
        if level:
            out.append((row.organization.path, level, age))
    return out


def young_bound(as_of: dt.date, level_field: str = "team__level", path_field: str = "org_path"):
    """A SQL date per row: a cadre born after it counts as young in the row's team (its level's age limit
    from the deepest configured standard, or the default). Young means age ≤ limit on `as_of`."""
    whens = [When(Q(**{level_field: level, f"{path_field}__subtree": path}),
                  then=Value(add_years(as_of, -(age + 1)))) for path, level, age in young_ages(as_of)]
    whens += [When(Q(**{level_field: level}), then=Value(add_years(as_of, -(age + 1))))
              for level, age in DEFAULT_YOUNG_AGE.items()]
    return Case(*whens, default=Value(add_years(as_of, -(DEFAULT_YOUNG_AGE[4] + 1))), output_field=DateField())


def young_age_labels(day: dt.date | None = None) -> dict[int, int]:
    """Level → young age limit of the broadest configured standard (for captions), defaults otherwise."""
    out = dict(DEFAULT_YOUNG_AGE)
    for path, level, age in sorted(young_ages(day), key=lambda t: len(t[0]), reverse=True):
        out[level] = age
    return out
