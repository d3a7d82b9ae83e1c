"""The default programs (practice.md §6), installed by `zugong defaults install` and by the demo seed.

National defaults carry no organization (they apply everywhere); a province's own practice (Shanxi) is a
program of its root organization. Each states its document and that document's verification status; the
numbers are data a department admin changes on the 选派项目设定 page, never code.
"""

from __future__ import annotations

from zugong.core import config

from .models import Program, SourceStatus, TargetGroup

NATIONAL = [
    {
        "code": "first_secretary", "name": "第一书记", "kind": Program.Kind.FIRST_SECRETARY,
        "default_term_months": 24, "min_term_months": 12, "report_every_months": 1, "reminder_days": 60,
        "target_groups": [TargetGroup.YOUNG, TargetGroup.RESERVE, TargetGroup.ORGAN_STAFF, TargetGroup.RETIRED_LEADER],
        "document": "《关于做好选派机关优秀干部到村任第一书记工作的通知》（组通字〔2015〕24号，任期1至3年）；"
                    "中办关于向重点乡村持续选派驻村第一书记和工作队的意见（2021，任期表述待核，通常2年）",
        "document_status": SourceStatus.SECONDARY,
        "notes": "选派范围：软弱涣散村、脱贫村全覆盖；先定村、再定人。不占村“两委”职数，党组织关系转到村，"
                 "工资和人事关系留在原单位。",
    },
    {
        "code": "work_team", "name": "驻村工作队", "kind": Program.Kind.WORK_TEAM,
        "default_term_months": 24, "min_term_months": 24, "report_every_months": 1, "reminder_days": 60,
        "min_team_size": 3,
        "document": "中办 国办关于加强贫困村驻村工作队选派管理工作的指导意见（2017：每队一般不少于3人，每期不少于2年）",
        "document_status": SourceStatus.SECONDARY,
    },
    {
        "code": "dunmiao", "name": "年轻干部墩苗", "kind": Program.Kind.DUNMIAO,
        "default_term_months": 24, "report_every_months": 3, "reminder_days": 90,
        "target_groups": [TargetGroup.YOUNG, TargetGroup.FEMALE, TargetGroup.NON_PARTY, TargetGroup.POLITICAL_LEGAL],
        "document": "无全国统一规定；参照重庆选派“80后”干部到乡镇挂职2年的做法，年限可按本地文件修改",
        "document_status": SourceStatus.UNVERIFIED,
    },
    {
        "code": "secondment", "name": "挂职锻炼", "kind": Program.Kind.SECONDMENT,
        "default_term_months": 12, "report_every_months": 3, "reminder_days": 60,
        "document": "按本地挂职锻炼管理办法设定（待核）",
        "document_status": SourceStatus.UNVERIFIED,
    },
]

# Shanxi's own practice, a program of the province's root organization.
SHANXI = [
    {
        "code": "first_secretary_shanxi", "name": "第一书记（山西）", "kind": Program.Kind.FIRST_SECRETARY,
        "default_term_months": 24, "min_term_months": 24, "report_every_months": 1, "reminder_days": 60,
        "village_share_num": 2, "village_share_den": 3,
        "target_groups": [TargetGroup.YOUNG, TargetGroup.RESERVE, TargetGroup.ORGAN_STAFF, TargetGroup.RETIRED_LEADER],
        "document": "山西省选派第一书记的规定（2015年：任期2年、期间不轮换；全年在村不少于"
                    "工作日的2/3；派出单位不得无故提前召回）",
        "document_status": SourceStatus.VERIFIED,
    },
    {
        "code": "work_team_shanxi", "name": "驻村工作队（山西）", "kind": Program.Kind.WORK_TEAM,
        "default_term_months": 24, "min_term_months": 24, "report_every_months": 1, "reminder_days": 60,
        "min_team_size": 3, "village_share_num": 2, "village_share_den": 3,
        "document": "中办 国办指导意见（2017年）；在村天数比例参照山西省选派第一书记的规定（2015年）",
        "document_status": SourceStatus.SECONDARY,
    },
]


@config.installer("dispatch", "干部选派项目（第一书记、驻村工作队、墩苗、挂职；山西的做法）", order=50)
def install(root=None, reset: bool = False) -> list[tuple[str, bool]]:
    """Create the national programs and, with `root` (the province's root organization), its own programs.
    Existing programs keep a department's numbers unless `reset`."""
    out = config.install_rows(Program, NATIONAL, {"organization": None}, reset)
    if root is not None:
        out += config.install_rows(Program, SHANXI, {"organization": root}, reset)
    return out
