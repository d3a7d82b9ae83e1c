"""任免审批表 in chromium: upload files, read the preview, confirm, read the report; and the printed form as
images (PDF pages rendered with pdftoppm). Screenshots land in tests/browser/screenshots/adform-*.png."""

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adform.samples import sample_form  # noqa: E402

SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        yield b
        b.close()


def test_upload_preview_confirm(live_server, browser, tree, users, tmp_path, settings):
    from zugong.adform import lrmx
    from zugong.people.idnumber import make_id_number

    # Every upload is a background job; the live server has no worker: run jobs when the request commits.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    SHOTS.mkdir(exist_ok=True)
    files = []
    for name, form in [
        ("王建国.lrmx", sample_form(id_number=make_id_number("140105", dt.date(1965, 5, 17), 31))),
        ("李四.lrmx", sample_form(name="李四", birth="198005", sex="女")),
        ("张三.lrmx", sample_form(name="张三", id_number=tree.people.zhangsan.id_number, birth="198005")),
        ("赵六.lrmx", sample_form(name="赵六", id_number=tree.people.zhaoliu.id_number, birth="198005")),
    ]:
        (tmp_path / name).write_bytes(lrmx.write_lrmx(form))
        files.append(str(tmp_path / name))
    (tmp_path / "损坏的表.lrmx").write_bytes(b"<Person><XingMing>")
    files.append(str(tmp_path / "损坏的表.lrmx"))

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ty_admin")
    page.fill("#id_password", users.taiyuan.raw_password)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/adform/import/")
    page.set_input_files("input[name=files]", files)
    page.click("#adform-upload button[type=submit]")
    page.wait_for_selector("#adform-files")
    body = page.inner_text("#adform-files")
    assert "新增人员" in body and "按身份证号匹配" in body and "需确认" in body and "不在管辖范围" in body
    assert "XML 格式错误" in body and "大同" not in body
    page.screenshot(path=str(SHOTS / "adform-1-preview.png"), full_page=True)
    page.check("input[name=confirm][value='李四.lrmx']")
    page.click("text=确认导入")
    page.wait_for_selector("text=已导入 3 个")
    page.screenshot(path=str(SHOTS / "adform-2-report.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone.add_cookies(context.cookies())
    p2 = phone.new_page()
    p2.goto(page.url)
    p2.wait_for_selector("#adform-files")
    p2.screenshot(path=str(SHOTS / "adform-3-report-phone.png"), full_page=True)
    phone.close()
    context.close()


def test_print_pages_as_images(settings):
    """The PDF print, page by page, as PNG: compare with the official form."""
    from zugong.adform import printing
    from zugong.people.idnumber import make_id_number

    SHOTS.mkdir(exist_ok=True)
    form = sample_form(id_number=make_id_number("140105", dt.date(1965, 5, 17), 31))
    pdf = SHOTS / "adform-print.pdf"
    pdf.write_bytes(printing.pdf(form))
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(SHOTS / "adform-print")], check=True)
    pages = sorted(SHOTS.glob("adform-print-*.png"))
    assert len(pages) == 2  # one sheet: front and back
