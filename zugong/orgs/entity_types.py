"""The legal-entity type of a unit (法人单位类型) as the annual party statistics count units (2017 tables 25–31:
街道社区乡镇村, 公有经济控制的企业, 非公有经济控制的企业, 事业单位, 机关, 社会组织, 政府工作部门), and how a
unit without its own party organization is covered (the tables' 未建立党组织 rows). Codes are zugong's own; each
code's group is the table that counts it. `Unit.entity_type` stores the code; `zugong/stats/definitions/` selects
codes per column."""

Choices = tuple[tuple[str, str], ...]

ENTITY_TYPES: tuple[tuple[str, str, str], ...] = (
    # (code, label, group)
    ("street", "城市街道", "grassroots"),
    ("city_community", "城市社区（居委会）", "grassroots"),
    ("town", "乡镇", "grassroots"),
    ("town_community", "乡镇社区（居委会）", "grassroots"),
    ("village", "建制村", "grassroots"),
    ("soe_sole", "国有独资企业", "public_enterprise"),
    ("soe_holding", "国有控股企业", "public_enterprise"),
    ("soe_hmt", "国有控股的港澳台商投资企业", "public_enterprise"),
    ("soe_foreign", "国有控股的外商投资企业", "public_enterprise"),
    ("collective", "集体企业", "public_enterprise"),
    ("collective_holding", "集体经济控制的其他企业", "public_enterprise"),
    ("private_sole", "私营独资企业", "private_enterprise"),
    ("private_holding", "私有经济控制的其他企业", "private_enterprise"),
    ("private_hmt", "私有经济控制的港澳台商投资企业", "private_enterprise"),
    ("private_foreign", "私有经济控制的外商投资企业", "private_enterprise"),
    ("hmt_sole", "港澳台商独资企业", "private_enterprise"),
    ("hmt_holding", "港澳台商经济控制的企业", "private_enterprise"),
    ("foreign_sole", "外商独资企业", "private_enterprise"),
    ("foreign_holding", "外商经济控制的企业", "private_enterprise"),
    ("inst_agriculture", "事业单位（农业）", "institution"),
    ("inst_research", "事业单位（科学研究）", "institution"),
    ("inst_university", "普通高等学校", "institution"),
    ("inst_secondary", "中等学校", "institution"),
    ("inst_primary", "小学校", "institution"),
    ("inst_kindergarten", "幼儿园", "institution"),
    ("inst_health", "事业单位（卫生）", "institution"),
    ("inst_media", "事业单位（新闻出版广电）", "institution"),
    ("inst_culture", "事业单位（文化艺术）", "institution"),
    ("inst_sports", "事业单位（体育）", "institution"),
    ("inst_other", "其他事业单位", "institution"),
    ("organ_state", "国家机关", "organ"),
    ("organ_party", "政党机关", "organ"),
    ("organ_people", "人民团体和群众团体机关", "organ"),
    ("social_group", "社会团体", "social"),
    ("social_foundation", "基金会", "social"),
    ("social_nonprofit", "民办非企业单位", "social"),
    ("social_law", "律师事务所", "social"),
    ("social_accounting", "会计师事务所", "social"),
    ("social_tax", "税务师事务所", "social"),
    ("dept_province", "省（区、市）政府工作部门", "government_dept"),
    ("dept_city", "市（地、州、盟）政府工作部门", "government_dept"),
    ("dept_county", "县（市、区、旗）政府工作部门", "government_dept"),
)
ENTITY_TYPE_CHOICES: Choices = tuple((code, label) for code, label, _ in ENTITY_TYPES)
GROUPS: dict[str, tuple[str, ...]] = {}
for _code, _label, _group in ENTITY_TYPES:
    GROUPS.setdefault(_group, ())
    GROUPS[_group] += (_code,)

# A unit without a party organization of its own: how it is covered (the tables' 未建立党组织 rows). A unit
# whose members are in a joint branch is covered by `Unit.joint_organization` instead.
COVERAGE: Choices = (
    ("pending", "应建尚未建立党组织"),
    ("group", "建立党小组"),
    ("few", "仅有个别党员"),
    ("none", "没有党员"),
)
