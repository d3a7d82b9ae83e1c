"""One Person per human; every role (member, cadre, applicant) hangs off it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

from zugong.core import pii
from zugong.core.audit import AuditedModel
from zugong.core.scope import OwnSubtree, ScopedModel

from . import classifications as cls, idnumber, names
from zugong.core.refdata import EDUCATION, ETHNICITIES, SEXES


def _count(org_id, delta: int) -> None:
    """Keep the organization's direct head count (summed up the tree for the counts at each node)."""
    if org_id:
        from zugong.orgs.models import Organization

        Organization.objects.unrestricted().filter(pk=org_id).update(direct_people=F("direct_people") + delta)


class Person(ScopedModel, AuditedModel):
    scope = OwnSubtree("organization")
    audit_exclude = (
        "org_path", "id_hash", "id_tail4", "id_tail6", "name_pinyin", "name_initials", "pinyin_key", "stroke_key",
        "created_at", "updated_at",
    )

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="所在党组织", on_delete=models.PROTECT, related_name="people"
    )
    org_path = models.CharField("所属组织路径", max_length=255)
    name = models.CharField("姓名", max_length=50, db_index=True)
    sex = models.CharField("性别", max_length=1, choices=SEXES)
    ethnicity = models.CharField("民族", max_length=2, choices=ETHNICITIES, default="01")
    birth_date = models.DateField("出生日期")
    # Encrypted at rest (`core.pii`); found through the keyed hashes below (exact: `id_hash`, unique; the
    # search's tail: `id_tail4`, `id_tail6`). Birth date and sex are their own columns.
    id_number = pii.SealedField(
        "公民身份号码", max_length=18, purpose="id_number", index="id_hash",
        tails=(("id_tail4", 4), ("id_tail6", 6)),
    )
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    education = models.CharField("学历", max_length=2, choices=EDUCATION, blank=True)
    phone = pii.SealedField("联系电话", max_length=20, blank=True, purpose="phone")
    photo = models.ImageField("照片", upload_to="photos/%Y/", blank=True)
    # What the annual party statistics count people by (`classifications`; blank: not recorded, shown on the
    # data-completeness page).
    occupation_class = models.CharField("职业（党内统计分类）", max_length=4, choices=cls.OCCUPATION, blank=True,
                                        db_index=True)
    social_stratum = models.CharField("新的社会阶层", max_length=24, choices=cls.STRATUM, blank=True)
    front_line = models.CharField("生产、工作第一线", max_length=16, choices=cls.FRONT_LINE, blank=True)
    tech_title_level = models.CharField("专业技术职务等级", max_length=8, choices=cls.TECH_TITLE, blank=True)
    student_level = models.CharField("学生类别", max_length=16, choices=cls.STUDENT_LEVEL, blank=True)
    student_year = models.CharField("学生年级", max_length=8, choices=cls.STUDENT_YEAR, blank=True)
    taiwan_origin = models.BooleanField("台湾省籍", default=False)
    # Derived, for search and ordering (never edited by hand).
    id_hash = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    id_tail4 = models.CharField(max_length=32, db_index=True, null=True, blank=True, editable=False)
    id_tail6 = models.CharField(max_length=32, db_index=True, null=True, blank=True, editable=False)
    name_pinyin = models.CharField(max_length=120, db_index=True, editable=False)
    name_initials = models.CharField(max_length=20, db_index=True, editable=False)
    pinyin_key = models.CharField(max_length=140, db_index=True, editable=False)
    stroke_key = models.CharField(max_length=160, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        indexes = [
            models.Index(fields=["org_path", "stroke_key"], name="person_path_stroke"),
            models.Index(fields=["org_path", "pinyin_key"], name="person_path_pinyin"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """Checks the ID number and that birth date and sex agree with it (Chinese messages per field)."""
        errors = {}
        if self.id_number:
            try:
                info = idnumber.parse_id_number(self.id_number)
            except idnumber.IdNumberError as exc:
                errors["id_number"] = str(exc)
            else:
                self.id_number = info.number
                if self.birth_date is None:
                    self.birth_date = info.birth_date
                elif self.birth_date != info.birth_date:
                    errors["birth_date"] = (
                        f"出生日期 {self.birth_date:%Y-%m-%d} 与公民身份号码中的 {info.birth_date:%Y-%m-%d} 不一致"
                    )
                sex_code = "1" if info.sex == "男" else "2"
                if not self.sex:
                    self.sex = sex_code
                elif self.sex != sex_code:
                    errors["sex"] = f"性别“{self.get_sex_display()}”与公民身份号码（{info.sex}）不一致"
        if errors:
            raise ValidationError(errors)

    def audit_display(self, field, value):
        """The log keeps ID and phone numbers masked (it is read by more people than may see them in full)."""
        if field == "id_number":
            return pii.mask_id(value)
        if field == "phone":
            return pii.mask_phone(value)
        return None

    def refresh_derived(self):
        """Recompute the search and ordering columns from the name, ID number and organization."""
        self.name_pinyin, self.name_initials, self.pinyin_key, self.stroke_key = names.name_keys(self.name)
        for column, value in Person._meta.get_field("id_number").index_values(self.id_number).items():
            setattr(self, column, value)
        self.scope.fill(self)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        old_org = (getattr(self, "_audit_loaded", None) or {}).get("organization_id") if self.pk else None
        super().save(*args, **kwargs)
        if old_org != self.organization_id:
            _count(self.organization_id, +1)
            _count(old_org, -1)

    def delete(self, *args, **kwargs):
        org_id = self.organization_id
        result = super().delete(*args, **kwargs)
        _count(org_id, -1)
        return result

    @property
    def id_tail(self) -> str:
        return self.id_number[-4:]

    @property
    def id_masked(self) -> str:
        return pii.mask_id(self.id_number)

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(self.phone)


_TAIL4: dict[str, str] = {}  # the seeds' cache of the last-4 digests (11,000 possible values)


def stored_pii(number: str, phone: str) -> tuple[str, str, str | None, str | None, str | None]:
    """What a person's row stores for an ID number and phone: (id_number, phone, id_hash, id_tail4, id_tail6),
    sealed and hashed as the model does it (`SealedField.index_values`), for writers that insert rows without
    the ORM: the seeds (millions of rows, hence the direct calls)."""
    field = Person._meta.get_field("id_number")
    (_t4, n4), (_t6, n6) = field.tails
    purpose = field.purpose
    number = field.normalize(number)
    if not number:
        return "", pii.seal(phone, "phone"), None, None, None
    tail4 = number[-n4:]
    key = f"{pii.digest_kid()}:{tail4}"
    hashed4 = _TAIL4.get(key)
    if hashed4 is None:
        hashed4 = _TAIL4[key] = pii.digest(tail4, f"{purpose}/{n4}")
    return (pii.seal(number, purpose), pii.seal(phone, "phone"), pii.digest(number, purpose), hashed4,
            pii.digest(number[-n6:], f"{purpose}/{n6}"))


class DuplicateAnswer(models.Model):
    """One answer “this ID number is registered outside your scope” given to a user: counted for the hourly
    limit (`services.registered_elsewhere`), so the answers cannot be used to find out who is registered."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "身份证号重复提示记录"
        indexes = [models.Index(fields=["user", "at"], name="duplicate_answer_user_at")]
