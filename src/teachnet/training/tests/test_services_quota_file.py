"""REP-8: quotas from an xlsx file. Saved whole or not at all; every bad cell named by Excel row, column and
what to do; a file that is not really an xlsx refused before anything parses it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from teachnet.core.models import AuditEvent
from teachnet.orgs.models import Region
from teachnet.training.models import Quota
from teachnet.training.selectors_projects import quotas_xlsx
from teachnet.training.services_projects import (
    QuotaFileRejected,
    quota_file_check,
    quotas_import,
    quotas_upload,
)

from .factories import subjects_of
from .quota_files import GOOD_ROWS, write_quotas

pytestmark = pytest.mark.django_db


@pytest.fixture
def subjects(project):
    return subjects_of(project)


def quotas(project) -> dict[tuple[str, str], int]:
    return {(q.region_id, q.subject.label): q.places for q in Quota.objects.filter(project=project)}


def rejected(project_office, project, path, replace=False) -> list[tuple[int, str, str]]:
    with pytest.raises(QuotaFileRejected) as info:
        quotas_import(actor=project_office, project=project, path=path, replace=replace)
    return [(e.row, e.column, e.code) for e in info.value.errors]


def test_a_good_file_is_saved_and_counted(project_office, project, subjects, tmp_path):
    path = write_quotas(tmp_path / "名额.xlsx", GOOD_ROWS)

    result = quotas_import(actor=project_office, project=project, path=path, replace=False)

    assert (result.created, result.changed, result.unchanged, result.removed) == (5, 0, 0, 0)
    assert quotas(project) == {
        ("440000", "初中数学"): 300,
        ("440100", "初中数学"): 120,
        ("440300", "初中数学"): 80,
        ("440100", "小学语文"): 60,
        ("110000", "初中物理"): 50,
    }
    event = AuditEvent.objects.get(verb="training.quotas_imported")
    assert (event.data["created"], event.data["rows"], event.data["replace"]) == (5, 5, False)


def test_a_second_file_changes_adds_removes_with_0_and_keeps_the_rest(
    project_office, project, subjects, tmp_path
):
    quotas_import(
        actor=project_office,
        project=project,
        path=write_quotas(tmp_path / "a.xlsx", GOOD_ROWS),
        replace=False,
    )
    second = [
        ("440100", "广州市", "初中", "数学", 130),  # changed
        ("440300", "深圳市", "初中", "数学", 80),  # unchanged
        ("440100", "广州市", "小学", "语文", 0),  # removed
        ("440000", "广东省", "初中", "物理", 20),  # created
    ]

    result = quotas_import(
        actor=project_office, project=project, path=write_quotas(tmp_path / "b.xlsx", second), replace=False
    )

    assert (result.created, result.changed, result.unchanged, result.removed) == (1, 1, 1, 1)
    assert quotas(project) == {
        ("440000", "初中数学"): 300,  # not in the file: kept
        ("440100", "初中数学"): 130,
        ("440300", "初中数学"): 80,
        ("110000", "初中物理"): 50,  # not in the file: kept
        ("440000", "初中物理"): 20,
    }


def test_replace_removes_the_quotas_the_file_does_not_name(project_office, project, subjects, tmp_path):
    quotas_import(
        actor=project_office,
        project=project,
        path=write_quotas(tmp_path / "a.xlsx", GOOD_ROWS),
        replace=False,
    )
    path = write_quotas(tmp_path / "b.xlsx", [("440100", "广州市", "初中", "数学", 120)])

    result = quotas_import(actor=project_office, project=project, path=path, replace=True)

    assert (result.created, result.changed, result.unchanged, result.removed) == (0, 0, 1, 4)
    assert quotas(project) == {("440100", "初中数学"): 120}


def test_what_people_type_is_understood(project_office, project, subjects, tmp_path):
    rows = [
        ("", "广州", "初中", "数学", "１２０"),  # a name without 市, full-width digits
        (440300.0, "", "", "初中数学", 80.0),  # a code read as a number, the whole label in 学科
        ("", "北京市", "小学", "品德与社会", 30),  # the province (not its one city), the subject's other name
        (" 440000 ", "广东省", " 初中 ", " 数学 ", " 300 "),
    ]
    result = quotas_import(
        actor=project_office, project=project, path=write_quotas(tmp_path / "q.xlsx", rows), replace=False
    )
    assert result.created == 4
    assert quotas(project) == {
        ("440100", "初中数学"): 120,
        ("440300", "初中数学"): 80,
        ("110000", "小学品德与生活"): 30,
        ("440000", "初中数学"): 300,
    }


def test_every_bad_row_is_named_and_nothing_is_saved(project_office, project, subjects, tmp_path):
    rows = [
        ("440100", "广州市", "初中", "数学", 120),  # row 2: good
        ("449999", "", "初中", "数学", 10),  # 3: unknown code
        ("", "火星市", "初中", "数学", 10),  # 4: unknown name
        ("330000", "浙江省", "初中", "数学", 10),  # 5: a province outside the project
        ("330100", "杭州市", "初中", "数学", 10),  # 6: a city whose province is outside the project
        ("440106", "天河区", "初中", "数学", 10),  # 7: a county
        ("440100", "深圳市", "初中", "数学", 10),  # 8: code and name disagree
        ("440300", "深圳市", "高中", "数学", 10),  # 9: a subject the project does not have
        ("440300", "深圳市", "初中", "数学", -5),  # 10: negative places
        ("440300", "深圳市", "初中", "数学", 2.5),  # 11: not a whole number
        ("440300", "深圳市", "初中", "数学", "很多"),  # 12: not a number
        ("440100", "广州市", "初中", "数学", 130),  # 13: the same region and subject as row 2
        ("", "", "初中", "数学", 10),  # 14: no region
        ("440300", "深圳市", "初中", "", ""),  # 15: no subject, no places
    ]
    path = write_quotas(tmp_path / "bad.xlsx", rows)

    errors = rejected(project_office, project, path)

    assert errors == [
        (3, "地区代码", "unknown_region"),
        (4, "地区", "unknown_region"),
        (5, "地区代码", "province_not_in_project"),
        (6, "地区代码", "province_not_in_project"),
        (7, "地区代码", "region_level"),
        (8, "地区", "region_mismatch"),
        (9, "学科", "unknown_subject"),
        (10, "名额", "places"),
        (11, "名额", "places"),
        (12, "名额", "places"),
        (13, "", "duplicate"),
        (14, "地区代码", "required"),
        (15, "学科", "required"),
        (15, "名额", "required"),
    ]
    assert not Quota.objects.exists()
    assert not AuditEvent.objects.filter(verb="training.quotas_imported").exists()


def test_the_messages_say_what_to_do(project, subjects, tmp_path):
    rows = [
        ("330100", "杭州市", "初中", "数学", 10),
        ("440106", "天河区", "初中", "数学", 10),
        ("440100", "广州市", "初中", "数学", 1),
        ("440100", "广州市", "初中", "数学", 2),
        ("440300", "深圳市", "高中", "数学", 10),
    ]
    check = quota_file_check(project=project, path=write_quotas(tmp_path / "q.xlsx", rows))
    messages = [e.message for e in check.errors]
    assert messages[0] == "杭州市所在的浙江省不是本项目的参与省份。请删除这一行，或先在项目设置中加入该省。"
    assert "请改填它所在地市的代码 440100" in messages[1]
    assert messages[2] == "与第4行重复：广州市 初中数学 只能有一行。请删除或合并其中一行。"
    assert (
        messages[3].startswith("本项目没有学科“高中数学”。") and "请改正，或先在学科页面添加它" in messages[3]
    )


def test_a_renamed_csv_is_refused_as_not_an_xlsx(project_office, project, subjects, tmp_path):
    path = tmp_path / "名额.xlsx"
    path.write_text("地区代码,地区,学段,学科,名额\n440100,广州市,初中,数学,120\n", encoding="utf-8")

    with pytest.raises(QuotaFileRejected) as info:
        quotas_import(actor=project_office, project=project, path=path, replace=False)

    [error] = info.value.errors
    assert (error.row, error.code) == (0, "not_xlsx")
    assert "改了扩展名" in error.message
    assert not Quota.objects.exists()


def test_a_file_without_the_header_is_refused(project_office, project, subjects, tmp_path):
    path = write_quotas(tmp_path / "q.xlsx", [("440100", "初中数学", 120)], header=("地区", "学科", "人数"))
    assert rejected(project_office, project, path) == [(1, "", "header")]


def test_a_file_with_only_the_header_is_refused(project_office, project, subjects, tmp_path):
    assert rejected(project_office, project, write_quotas(tmp_path / "q.xlsx", [])) == [(0, "", "empty")]


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(project_office, project, monkeypatch):
    from teachnet.training import services_projects

    monkeypatch.setattr(services_projects, "QUOTA_MAX_BYTES", 10)
    upload = SimpleUploadedFile("q.xlsx", b"x" * 11)
    with pytest.raises(QuotaFileRejected) as info:
        quotas_upload(actor=project_office, project=project, uploaded_file=upload, replace=False)
    assert info.value.errors[0].code == "too_large"


def test_a_city_lead_cannot_upload(gz_city_lead, project, subjects, tmp_path):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        quotas_import(
            actor=gz_city_lead,
            project=project,
            path=write_quotas(tmp_path / "q.xlsx", GOOD_ROWS),
            replace=False,
        )
    assert not Quota.objects.exists()


def test_the_download_is_the_upload_template(project_office, project, subjects, tmp_path):
    quotas_import(
        actor=project_office,
        project=project,
        path=write_quotas(tmp_path / "a.xlsx", GOOD_ROWS),
        replace=False,
    )
    name, body = quotas_xlsx(project=project)
    assert name == "名额-国培计划(2011).xlsx"
    downloaded = tmp_path / name
    downloaded.write_bytes(body)

    # Read back as it was written, the same file changes nothing
    again = quotas_import(actor=project_office, project=project, path=downloaded, replace=True)
    assert (again.created, again.changed, again.unchanged, again.removed) == (0, 0, 5, 0)

    import openpyxl

    wb = openpyxl.load_workbook(downloaded)
    assert wb.sheetnames == ["名额", "可填写的地区和学科"]
    rows = list(wb["名额"].iter_rows(values_only=True))
    assert rows[0] == ("地区代码", "地区", "学段", "学科", "名额")
    assert rows[1:3] == [("110000", "北京市", "初中", "物理", 50), ("440000", "广东省", "初中", "数学", 300)]
    listed = {r[0] for r in wb["可填写的地区和学科"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert {"110000", "440000", "440100", "445300"} <= listed
    assert "330000" not in listed
    assert Region.objects.filter(code__in=listed, level=Region.Level.COUNTY).count() == 0
