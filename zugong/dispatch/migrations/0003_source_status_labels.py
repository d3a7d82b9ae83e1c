"""The documents' status reads without research tags (已核实, 单一来源 → 已确认, 待核对正式文本), and the default
programs' documents lose theirs (单一来源, 已核实, 据…报道) and name the 2015 notice by its title and number.
Rows that still hold the shipped default text are updated (one UPDATE per text); a department's own wording is
left alone."""

from django.db import migrations, models

DOCUMENTS = {
    "中组部 中农办 国务院扶贫办关于选派机关优秀干部到村任第一书记的通知（2015，任期1至3年）；"
    "中办关于向重点乡村持续选派驻村第一书记和工作队的意见（2021，任期表述待核，通常2年）":
        "《关于做好选派机关优秀干部到村任第一书记工作的通知》（组通字〔2015〕24号，任期1至3年）；"
        "中办关于向重点乡村持续选派驻村第一书记和工作队的意见（2021，任期表述待核，通常2年）",
    "无全国统一规定；重庆选派“80后”干部到乡镇挂职2年的做法（单一来源），年限可按本地文件修改":
        "无全国统一规定；参照重庆选派“80后”干部到乡镇挂职2年的做法，年限可按本地文件修改",
    "山西省选派第一书记的规定（2015，光明日报2015-08-11报道：任期2年、期间不轮换；全年在村不少于"
    "工作日的2/3；派出单位不得无故提前召回）":
        "山西省选派第一书记的规定（2015年：任期2年、期间不轮换；全年在村不少于"
        "工作日的2/3；派出单位不得无故提前召回）",
    "中办 国办指导意见（2017，单一来源）；在村天数比例参照山西第一书记的规定（2015，已核实）":
        "中办 国办指导意见（2017年）；在村天数比例参照山西省选派第一书记的规定（2015年）",
}


def forwards(apps, schema_editor, reverse=False):
    Program = apps.get_model("dispatch", "Program")
    for old, new in DOCUMENTS.items():
        if reverse:
            old, new = new, old
        Program.objects.filter(document=old).update(document=new)


def backwards(apps, schema_editor):
    forwards(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0002_program_scoped_by_org_path'),
    ]

    operations = [
        migrations.AlterField(
            model_name='program',
            name='document_status',
            field=models.CharField(choices=[('V', '已确认'), ('S', '待核对正式文本'), ('U', '待核')], default='U',
                                   max_length=1, verbose_name='依据核实状态'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
