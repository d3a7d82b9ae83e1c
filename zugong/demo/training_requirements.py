"""Demo training data: requirements — the requirement rows (the defaults, installed for the root), and for a few of
the city's cadres ledger lines that sit just below and just at the numbers (11 and 12 days of 脱产 training,
45 and 50 学时 online), so the shortfalls list and the findings show both sides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    from zugong.cadres.models import Cadre
    from zugong.core import audit, config
    from zugong.training import ledger

    config.install(root, ["training_requirements"])
    cadres = list(Cadre.objects.unrestricted().filter(org_path__subtree=city.path, status="active",
                                                    rank_level__gte=4).order_by("pk")[:4])
    last = as_of.year - 1
    plan = [(dt.date(last, 4, 10), "off_job", 11, "day", "乡镇党委书记专题培训班"),
            (dt.date(last, 5, 12), "off_job", 12, "day", "乡镇党委书记专题培训班"),
            (dt.date(last, 9, 1), "online", 45 * 60, "minute", "网络学院专题课程"),
            (dt.date(last, 9, 1), "online", 50 * 60, "minute", "网络学院专题课程")]
    lines = []
    for i, (cadre, (on, kind, quantity, unit, label)) in enumerate(zip(cadres, plan)):
        if unit == "minute":  # an online course credits by the course: 45 and 50 courses of 60 minutes
            lines += [ledger.Line(person_id=cadre.person_id, on=on, kind=kind, quantity=Decimal(60), unit="minute",
                                  label=f"{label}（第{n + 1}讲）", source_id=seed * 100000 + i * 1000 + n)
                      for n in range(quantity // 60)]
        else:
            lines.append(ledger.Line(person_id=cadre.person_id, on=on, kind=kind, quantity=Decimal(quantity),
                                     unit=unit, label=label, source_id=seed * 100000 + i * 1000))
    if lines:
        with audit.operation(None, "import", note="演示数据：培训学时") as op:
            ledger.post(op, "training.demo_requirements", lines)
    log(f"  training requirements: {len(lines)} demo ledger lines for {len(cadres)} cadres")
    return {"training_requirement_lines": len(lines)}
