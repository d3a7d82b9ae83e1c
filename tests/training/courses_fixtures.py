"""Fixtures of the course library tests: the categories installed, courses of 太原 and of the whole country,
small files of each type, members of a branch."""

import datetime as dt
import io
import zipfile

import pytest


@pytest.fixture
def categories(db):
    from zugong.training.defaults.courses import install
    from zugong.training.models import CourseCategory

    install(None)
    return {c.name: c for c in CourseCategory.objects.unrestricted()}


@pytest.fixture
def course(tree, users, categories):
    """太原's course (45 minutes, a test, 学时 by the online rule)."""
    from zugong.training import courses_services as services
    from zugong.training.models import Course

    return services.create_course(users.taiyuan, Course(
        organization=tree.taiyuan, code="TY-TH-01", title="太行精神的时代内涵", minutes=45, has_test=True,
        category=categories["革命精神（太行精神、吕梁精神、右玉精神）"]))


@pytest.fixture
def national(users, categories):
    """A national course with stated 学时 (2 学时 for 90 minutes)."""
    from decimal import Decimal

    from zugong.training import courses_services as services
    from zugong.training.models import Course

    return services.create_course(users.admin, Course(
        organization=None, code="QG-DS-01", title="党史学习专题", minutes=90, hours=Decimal("2"),
        category=categories["党史学习"]))


def pdf_bytes(text=b"course") -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + text + b"\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    from zugong.core import docx

    doc = docx.new_document()
    docx.title(doc, "学习材料")
    return docx.to_bytes(doc)


def pptx_like_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buf.getvalue()


def member(person, org, joined=dt.date(2005, 7, 1)):
    from zugong.members.models import Membership

    return Membership.objects.create(person=person, organization=org, joined_on=joined,
                                     converted_on=joined.replace(year=joined.year + 1), status="full")
