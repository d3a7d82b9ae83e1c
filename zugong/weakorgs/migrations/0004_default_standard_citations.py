"""The default identification standard showed research tags and web addresses ((V), (S), 单一来源, 已核,
xiexiebang.com …) in its citations and source notes; it now shows the documents only. Rows that still hold the
shipped default text are updated (one UPDATE per text); a department's own wording is left alone."""

from django.db import migrations

OLD_NATIONAL = "中组部 2014 年集中整顿软弱涣散基层党组织 8 种基本情形（2015 年第一书记通知重申）"
NEW_NATIONAL = ("中组部 2014 年集中整顿软弱涣散基层党组织 8 种基本情形（《关于做好选派机关优秀干部到村任第一书记工作的通知》"
                "（组通字〔2015〕24号）重申）")
STATS_FORM = "党内统计表“整顿软弱涣散基层党组织情况”"
CITATIONS = {
    f"{OLD_NATIONAL}（V）": NEW_NATIONAL,
    f"{OLD_NATIONAL}（V）；以组织生活达标率低于阈值识别为本地做法": f"{NEW_NATIONAL}；以组织生活达标率低于阈值识别为本地做法",
    f"{STATS_FORM}（S）": STATS_FORM,
    "地方做法：两委换届未按期完成（S，xiexiebang.com/a1/5c79634398efb049.html）": "地方做法：两委换届未按期完成",
    "地方做法：2 年以上无发展对象（S，cfenews.com/finance/2019/0605/7218.html）": "地方做法：2 年以上无发展对象",
    "本地示例参数（U：阈值无出处，请按本地文件设置）": "本地示例参数（阈值请按本地文件设置）",
    "地方做法：村级分类定级（S）": "地方做法：村级分类定级",
}
DOCUMENTS = {
    "2014 年集中整顿通知；2015 年选派第一书记通知；党内统计表":
        "2014 年集中整顿通知；《关于做好选派机关优秀干部到村任第一书记工作的通知》（组通字〔2015〕24号）；党内统计表",
}
SOURCE_STATUS = {
    "W1–W8 为全国基本情形（已核）；W9–W10 据党内统计表（单一来源）；L1–L4 为地方做法（待核）；验收合格 70 分（已核），"
    "不满意超过 50% 否决（单一来源）":
        "W1–W8 为全国基本情形；W9–W10 取自党内统计表；L1–L4 为地方做法，请按本地文件核对；"
        "验收合格 70 分、群众测评不满意超过 50% 否决为地方做法",
}


def _replace(model, field, mapping, reverse=False):
    for old, new in mapping.items():
        if reverse:
            old, new = new, old
        model.objects.filter(**{field: old}).update(**{field: new})


def forwards(apps, schema_editor, reverse=False):
    Indicator, IndicatorSet = apps.get_model("weakorgs", "Indicator"), apps.get_model("weakorgs", "IndicatorSet")
    _replace(Indicator, "citation", CITATIONS, reverse)
    _replace(IndicatorSet, "document", DOCUMENTS, reverse)
    _replace(IndicatorSet, "source_status", SOURCE_STATUS, reverse)


def backwards(apps, schema_editor):
    forwards(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("weakorgs", "0003_i11_measure_value_index")]
    operations = [migrations.RunPython(forwards, backwards)]
