"""Data completeness (数据完整度): the chosen organization's score and each child's, the items, and the list of the
rows missing an item (缺项名单, .xlsx). Everything is read through the user's scope."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from zugong.core import exports
from zugong.members.models import Membership
from zugong.orgs.models import Organization, Unit
from zugong.orgs.selectors import chosen_or_own

from .. import completeness as C

LIST_LIMIT = 500


def _node(request) -> Organization:
    # `org` (this page's own links) or `organization` (the other statistics pages' parameter)
    return chosen_or_own(request.user, request.GET.get("org") or request.GET.get("organization"))


def _scoped(user):
    return {"member_qs": Membership.objects.visible_to(user), "org_qs": Organization.objects.visible_to(user),
            "unit_qs": Unit.objects.visible_to(user)}


@login_required
def completeness(request):
    org = _node(request)
    total, by_child = C.subtree(org, **_scoped(request.user))
    names = dict(Organization.objects.visible_to(request.user).filter(path__in=list(by_child))
                 .exclude(kind=Organization.Kind.PARTY_GROUP).values_list("path", "code"))
    labels = dict(Organization.objects.visible_to(request.user).filter(path__in=list(names))
                  .values_list("path", "name"))
    children = [{"code": names[p], "name": labels[p], "score": s,
                 "families": [s.family_percent(f) for f in C.FAMILIES]}
                for p, s in sorted(by_child.items()) if p in names]
    families = []
    for family, (title, items) in C.FAMILIES.items():
        rows = []
        for item in items:
            applicable, missing = total.items.get(family, {}).get(item.key, [0, 0]) if item.collected else (0, 0)
            rows.append({"item": item, "applicable": applicable, "missing": missing,
                         "percent": round(100 * (applicable - missing) / applicable, 1) if applicable else None})
        families.append({"code": family, "title": title, "rows": rows, "percent": total.family_percent(family)})
    return render(request, "stats/completeness.html", {"org": org, "total": total, "children": children,
                                                         "families": families})


def _member_row(m):
    return [m.person.name, m.organization.name, m.get_status_display()]


def _org_row(o):
    return [o.name, o.code, o.get_kind_display()]


def _unit_row(u):
    return [u.name, u.credit_code, u.get_entity_type_display()]


LISTS = {
    "member": (["姓名", "所在党支部", "党籍状态"], _member_row, ("person", "organization"), "org_path"),
    "org": (["党组织", "组织代码", "类别"], _org_row, (), "path"),
    "unit": (["单位名称", "统一社会信用代码", "法人单位类型"], _unit_row, (), "org_path"),
}


@login_required
def missing_list(request, family: str, key: str):
    org = _node(request)
    if family not in C.FAMILIES:
        raise Http404
    qs = _scoped(request.user)[{"member": "member_qs", "org": "org_qs", "unit": "unit_qs"}[family]]
    try:
        item, rows = C.missing(family, key, qs)
    except KeyError:
        raise Http404 from None
    headers, row_of, related, column = LISTS[family]
    rows = rows.filter(**{f"{column}__startswith": org.path}).select_related(*related).order_by(column, "pk")
    title = f"{org.display_name}-缺{item.label}名单"
    if request.GET.get("export"):
        return exports.respond(request, exports.Export(title, headers, lambda: (row_of(r) for r in rows.iterator()),
                                                       rows.count(), f"组织：{org.display_name}；缺项：{item.label}"))
    return render(request, "stats/completeness_missing.html", {
        "org": org, "item": item, "family": family, "title": title, "headers": headers,
        "rows": [row_of(r) for r in rows[:LIST_LIMIT]], "count": rows.count(), "limit": LIST_LIMIT})
