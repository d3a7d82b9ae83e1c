"""Sample 任免审批表 data for the tests and the benchmark."""

import io

from PIL import Image

from zugong.adform.formdata import AdFormData, FamilyItem

RESUME = (
    "1983.09--1987.07  山西大学中文系汉语言文学专业学习\n"
    "1987.07--1995.03  太原市小店区委办公室干部、副主任科员\n"
    "1995.03--2003.06  太原市小店区委办公室副主任（其间：1998.09--2001.07在中央党校函授学院经济管理专业学习）\n"
    "2003.06--         太原市小店区财政局局长"
)


def photo_bytes(color=(180, 40, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (90, 120), color).save(buf, "JPEG", quality=80)
    return buf.getvalue()


def sample_form(name="王建国", id_number="", birth="196505", sex="男", photo=True, **extra) -> AdFormData:
    form = AdFormData(
        name=name, sex=sex, birth=birth, ethnicity="汉族", native_place="山西太原", birthplace="山西清徐",
        party_joined="198606", work_started="198707", health="健康", professional_title="经济师",
        specialty="财政管理", fulltime_education="大学本科", fulltime_degree="文学学士",
        fulltime_education_school="山西大学中文系汉语言文学专业", fulltime_degree_school="山西大学中文系汉语言文学专业",
        onjob_education="研究生", onjob_degree="", onjob_education_school="中央党校函授学院经济管理专业",
        onjob_degree_school="", current_post="太原市小店区财政局局长", proposed_post="太原市小店区副区长",
        proposed_removal="太原市小店区财政局局长职务", resume=RESUME,
        rewards="2019年被评为山西省优秀共产党员。",
        assessment="2022年、2023年年度考核均为称职，2024年年度考核为优秀。",
        reasons="工作需要", submitting_unit="中共太原市小店区委员会", age_as_of="20251101", filled_on="20251105",
        filled_by="李敏", id_number=id_number, photo=photo_bytes() if photo else None, version="3.2.1.16",
        family=[
            FamilyItem("妻子", "刘芳", "196708", "中共党员", "太原市小店区教育局干部"),
            FamilyItem("儿子", "王磊", "199203", "中共党员", "太原市某某公司职员"),
            FamilyItem("父亲", "王德明", "193805", "中共党员", "已去世"),
        ],
    )
    for key, value in extra.items():
        setattr(form, key, value)
    return form
