"""The classifications the annual party statistics (党内统计年报) count people by, as the 2017 table set lays
them out: the occupation class (职业，党内统计分类: 在岗职工 of public and of non-public units with their
sub-classes, 农牧渔民, 军人武警, 学生, 离退休, 其他), the type of 新的社会阶层, the 生产、工作第一线 kind, the level of
a professional-technical post and a student's level and year. Codes are zugong's own (stable, two or more
characters); the labels are the tables' row labels. `Person` stores the codes; the statistics tables select
them (`zugong/stats/definitions/`); the import of the people's statistics data reads the labels."""

Choices = tuple[tuple[str, str], ...]

# 在岗职工 — 公有制单位 (1x), 非公有制单位 (2x); then the other classes.
OCCUPATION: Choices = (
    ("11", "党政机关工作人员"),
    ("12", "事业单位管理人员"),
    ("13", "事业单位专业技术人员"),
    ("14", "公有制企业管理人员"),
    ("15", "公有制企业专业技术人员"),
    ("16", "公有制单位工勤技能人员"),
    ("17", "公有制单位农民工"),
    ("21", "非公有制企业管理人员"),
    ("22", "非公有制企业专业技术人员"),
    ("23", "民办非企业单位管理人员"),
    ("24", "民办非企业单位专业技术人员"),
    ("25", "非公有制单位工勤技能人员"),
    ("26", "非公有制单位农民工"),
    ("31", "农牧渔民"),
    ("32", "农牧渔民（外出务工经商）"),
    ("40", "军人、武警"),
    ("50", "学生"),
    ("60", "离退休人员"),
    ("70", "其他"),
)
OCCUPATION_PUBLIC = ("11", "12", "13", "14", "15", "16", "17")
OCCUPATION_NONPUBLIC = ("21", "22", "23", "24", "25", "26")
OCCUPATION_EMPLOYED = OCCUPATION_PUBLIC + OCCUPATION_NONPUBLIC
OCCUPATION_FARMER = ("31", "32")

# 新的社会阶层 (the 2017 table 21's rows; 个体劳动者 has 城镇个体劳动者 under it).
STRATUM: Choices = (
    ("tech", "民营科技企业创业人员和技术人员"),
    ("foreign", "受聘于外资企业管理技术人员"),
    ("self_employed", "个体劳动者"),
    ("urban_self_employed", "城镇个体劳动者"),
    ("private_owner", "私营企业主"),
    ("private_tech_founder", "民营科技企业创业人员"),
    ("intermediary", "中介组织从业人员"),
    ("freelance", "自由职业人员"),
)

# 生产、工作第一线 (tables 17–20).
FRONT_LINE: Choices = (
    ("enterprise", "企业生产第一线"),
    ("rural", "农村生产第一线"),
    ("teaching", "教学科研第一线"),
    ("organ", "机关第一线"),
)

# 专业技术职务 level (table 17).
TECH_TITLE: Choices = (("senior", "高级专业技术职务"), ("middle", "中级专业技术职务"), ("junior", "初级专业技术职务"))

# A student's level and year (table 7).
STUDENT_LEVEL: Choices = (
    ("graduate", "研究生"), ("undergraduate", "大学本科生"), ("college", "大学专科生"), ("secondary", "高中、中技学生"),
)
STUDENT_YEAR: Choices = (("final", "毕业年级"), ("first", "一年级"), ("other", "其他年级"))


def label(choices: Choices, code: str) -> str:
    return dict(choices).get(code, "")
