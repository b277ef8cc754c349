"""The progress board (REP-7): who sees which level, the figures, the tables still owed, the export, the API.

The small world used throughout (project 国培计划(2011), provinces 广东 and 北京):

                     quota                     trainee table
  广州 初中数学        100 (city)               90, approved
  广州 初中语文         50 (city)               30, submitted
  深圳 初中数学         80 (city)               20, draft
  广东 初中数学        500 (province)           — ignored: Guangdong's cities have their own 初中数学 quotas
  广东 小学数学         40 (province)           — counts: no city of Guangdong has a 小学数学 quota
  北京 初中数学         60 (province)           北京市(110100) 10, rejected
  trainer tables: 广东 15, approved; 北京 none.
"""

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from teachnet.accounts.models import RoleAssignment
from teachnet.core.models import AuditEvent
from teachnet.orgs.models import Region
from teachnet.reporting.board import board_figures
from teachnet.reporting.models import ReportingWindow, Submission
from teachnet.training.models import Project, Quota, Subject

pytestmark = pytest.mark.django_db

PAGE = "/reporting/board/"
EXPORT = "/reporting/board/export.xlsx"
API = "/api/v1/reporting/board/"

S = Submission.State


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def table(project, code, subject, state, rows, kind="trainee"):
    return Submission.objects.create(
        project=project, kind=kind, region=region(code), subject=subject, state=state, row_count=rows
    )


@pytest.fixture
def world(project):
    math = Subject.objects.create(project=project, stage="初中", name="数学")
    chinese = Subject.objects.create(project=project, stage="初中", name="语文")
    primary_math = Subject.objects.create(project=project, stage="小学", name="数学")
    for code, subject, places in [
        ("440100", math, 100),
        ("440100", chinese, 50),
        ("440300", math, 80),
        ("440000", math, 500),
        ("440000", primary_math, 40),
        ("110000", math, 60),
    ]:
        Quota.objects.create(project=project, region=region(code), subject=subject, places=places)
    sz_math = table(project, "440300", math, S.DRAFT, 20)
    table(project, "440100", math, S.APPROVED, 90)
    table(project, "440100", chinese, S.SUBMITTED, 30)
    table(project, "110100", math, S.REJECTED, 10)
    table(project, "440000", None, S.APPROVED, 15, kind="trainer")
    return {"math": math, "chinese": chinese, "primary_math": primary_math, "sz_math": sz_math}


def page(client, user, **params):
    client.force_login(user)
    return client.get(PAGE, params)


def figures(row):
    return (row.quota, row.reported, row.submitted, row.approved, row.percent)


def rows_by_key(board):
    return {r.key: r for r in board.rows}


# --- Who sees which level ---------------------------------------------------------------------------------


def test_project_office_sees_every_province(client, project_office, project, world):
    response = page(client, project_office)

    assert response.status_code == 200
    board = response.context["board"]
    assert board.level == "nation"
    assert [r.key for r in board.rows] == ["110000", "440000"]
    assert all(r.drill_region == r.key for r in board.rows)
    assert 'region=440000">广东省</a>' in response.content.decode()


def test_project_office_drills_into_a_province(client, project_office, project, world):
    response = page(client, project_office, region="440000")

    assert response.status_code == 200
    assert response.context["board"].level == "province"
    assert "440100" in rows_by_key(response.context["board"])


def test_province_lead_sees_their_cities(client, gd_province_lead, project, world):
    response = page(client, gd_province_lead)

    assert response.status_code == 200
    board = response.context["board"]
    assert (board.level, board.region_code) == ("province", "440000")
    keys = [r.key for r in board.rows]
    assert {"440100", "440300", "441900"} <= set(keys) and all(k.startswith("44") for k in keys)
    assert len(keys) == 21  # every city of Guangdong, reported or not


def test_province_lead_cannot_open_another_province_or_the_nation(client, gd_province_lead, project, world):
    client.force_login(gd_province_lead)

    assert client.get(PAGE, {"region": "110000"}).status_code == 404
    assert client.get(PAGE, {"region": "000000"}).status_code == 404
    assert client.get(PAGE, {"region": "110100"}).status_code == 404


def test_city_lead_sees_their_subjects_only(client, gz_city_lead, project, world):
    response = page(client, gz_city_lead)

    assert response.status_code == 200
    board = response.context["board"]
    assert (board.level, board.region_code) == ("city", "440100")
    assert [r.label for r in board.rows] == ["小学数学", "初中数学", "初中语文"]
    assert all(r.drill_region is None for r in board.rows)
    assert board.trainer_tables == ()  # the province's trainer table is not a city lead's to see


def test_city_lead_cannot_open_another_city_or_their_province(client, gz_city_lead, project, world):
    client.force_login(gz_city_lead)

    assert client.get(PAGE, {"region": "440300"}).status_code == 404
    assert client.get(PAGE, {"region": "440000"}).status_code == 404
    assert client.get(PAGE, {"region": "440100"}).status_code == 200


def test_regions_that_are_not_a_board_are_404(client, project_office, project, world):
    client.force_login(project_office)

    assert client.get(PAGE, {"region": "330000"}).status_code == 404  # not a province of the project
    assert client.get(PAGE, {"region": "440106"}).status_code == 404  # a county
    assert client.get(PAGE, {"region": "999999"}).status_code == 404
    assert client.get(PAGE, {"region": "x"}).status_code == 404
    assert client.get(PAGE, {"project": "abc"}).status_code == 404


def test_learner_gets_404(client, learner, project, world):
    assert page(client, learner).status_code == 404
    assert client.get(EXPORT).status_code == 404


def test_a_project_someone_does_not_report_for_is_404(client, gd_province_lead, orgs, project, world):
    # The lead's role is held for 国培计划(2011) only; being a learner in another project lets them see that
    # project, not its reporting.
    other = Project.objects.create(name="广东省级项目", year=2012, office=orgs["office"])
    other.provinces.add(region("440000"))
    RoleAssignment.objects.create(
        user=gd_province_lead, role="learner", organization=orgs["gd_bureau"], project=other
    )
    client.force_login(gd_province_lead)

    assert client.get(PAGE, {"project": other.pk}).status_code == 404
    assert client.get(PAGE, {"project": project.pk}).status_code == 200


def test_anonymous_is_sent_to_login(client, project, world):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The figures --------------------------------------------------------------------------------------------


def test_nation_figures_count_each_province_quota_once(project_office, project, world):
    board = board_figures(actor=project_office, project=project, region_code=None)

    rows = rows_by_key(board)
    # 广东: city quotas 100 + 50 + 80 (its own 500 for 初中数学 is their split, not extra) + 40 小学数学.
    assert figures(rows["440000"]) == (270, 140, 120, 90, 33.3)
    assert figures(rows["110000"]) == (60, 10, 0, 0, 0.0)
    assert figures(board.total) == (330, 150, 120, 90, 27.3)
    assert board.unallocated_quota == 0
    subjects = {r.label: figures(r) for r in board.subjects}
    assert subjects == {
        "小学数学": (40, 0, 0, 0, 0.0),
        "初中数学": (240, 120, 90, 90, 37.5),
        "初中语文": (50, 30, 30, 0, 0.0),
    }


def test_province_figures_per_city(gd_province_lead, project, world):
    board = board_figures(actor=gd_province_lead, project=project, region_code=None)

    rows = rows_by_key(board)
    assert figures(rows["440100"]) == (150, 120, 120, 90, 60.0)
    assert figures(rows["440300"]) == (80, 20, 0, 0, 0.0)
    assert figures(rows["440200"]) == (0, 0, 0, 0, None)
    # 小学数学 was handed to the province only: in the total, in no city's row.
    assert board.unallocated_quota == 40
    assert figures(board.total) == (270, 140, 120, 90, 33.3)
    assert [(t.region_code, t.state, t.row_count) for t in board.trainer_tables] == [
        ("440000", "approved", 15)
    ]


def test_city_figures_per_subject(gz_city_lead, project, world):
    board = board_figures(actor=gz_city_lead, project=project, region_code=None)

    assert [figures(r) for r in board.rows] == [
        (0, 0, 0, 0, None),
        (100, 90, 90, 90, 90.0),
        (50, 30, 30, 0, 0.0),
    ]
    assert figures(board.total) == (150, 120, 120, 90, 60.0)


def test_the_page_shows_the_figures_and_embeds_the_chart_data(client, project_office, project, world):
    response = page(client, project_office)

    html = response.content.decode()
    assert 'id="board-chart-data" type="application/json"' in html
    assert "vendor/echarts/echarts.min.js" in html and "reporting/board.js" in html
    chart = response.context["chart"]
    assert chart["labels"] == ["北京市", "广东省"]
    assert chart["series"] == {
        "approved": [0, 90],
        "submitted_only": [0, 30],
        "reported_only": [10, 20],
        "quota": [60, 270],
    }
    raw = html.split('id="board-chart-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(raw)["series"]["quota"] == [60, 270]
    assert "33.3%" in html and "导出 Excel" in html


def test_the_deadline_is_shown_with_the_time_left(client, project_office, project, world):
    now = timezone.now()
    ReportingWindow.objects.create(
        project=project,
        kind="trainee",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=3),
    )
    ReportingWindow.objects.create(
        project=project,
        kind="trainer",
        opens_at=now - dt.timedelta(days=9),
        closes_at=now - dt.timedelta(days=2),
    )

    response = page(client, project_office)

    deadlines = {d.kind: d for d in response.context["board"].deadlines}
    assert deadlines["trainee"].is_open and deadlines["trainee"].seconds_left > 2 * 86400
    assert not deadlines["trainer"].is_open and deadlines["trainer"].seconds_left == 0
    html = response.content.decode()
    assert "还剩" in html and "已截止" in html


# --- Who has not reported yet -------------------------------------------------------------------------------


def owed(board):
    return {(n.region_name, n.kind, n.subject_label) for n in board.not_reported}


def test_not_reported_lists_cities_subjects_and_provinces(project_office, project, world):
    board = board_figures(actor=project_office, project=project, region_code=None)

    assert owed(board) == {
        ("深圳市", "trainee", "初中数学"),  # a draft is not a submitted table
        ("北京市", "trainer", ""),  # no trainer table at all
        # Places handed to the province only, and no city of it has submitted that subject's table:
        ("广东省", "trainee", "小学数学"),
        ("北京市", "trainee", "初中数学"),  # 北京市(110100)'s table was rejected
    }
    # Guangdong's own 初中数学 quota is split among its cities: it is owed city by city, not again here.
    assert ("440000", "初中数学") not in {(n.region_code, n.subject_label) for n in board.not_reported}


def test_a_submitted_table_leaves_the_not_reported_list(gd_province_lead, project, world):
    before = board_figures(actor=gd_province_lead, project=project, region_code=None)
    assert ("深圳市", "trainee", "初中数学") in owed(before)
    assert all(n.region_code.startswith("44") for n in before.not_reported)  # nothing of Beijing

    Submission.objects.filter(pk=world["sz_math"].pk).update(state=S.SUBMITTED)
    after = board_figures(actor=gd_province_lead, project=project, region_code=None)
    assert owed(after) == {("广东省", "trainee", "小学数学")}

    table(project, "440300", world["primary_math"], S.APPROVED, 12)
    done = board_figures(actor=gd_province_lead, project=project, region_code=None)
    assert owed(done) == set()


def test_city_lead_sees_only_their_citys_tables_owed(gz_city_lead, project, world):
    Quota.objects.create(project=project, region=region("440100"), subject=world["primary_math"], places=5)

    board = board_figures(actor=gz_city_lead, project=project, region_code=None)

    assert owed(board) == {("广州市", "trainee", "小学数学")}


# --- The export -------------------------------------------------------------------------------------------


def test_export_downloads_the_figures_and_is_recorded(client, project_office, project, world):
    client.force_login(project_office)

    response = client.get(EXPORT, {"project": project.pk})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%E4%B8%8A%E6%8A%A5%E8%BF%9B%E5%BA%A6" in response["Content-Disposition"]  # 上报进度
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert wb.sheetnames == ["上报进度", "分学科", "培训者信息表", "未上报"]
    progress = list(wb["上报进度"].values)
    assert progress[0] == ("省份", "名额", "已上报", "已提交", "已通过", "通过率(%)")
    assert ("广东省", 270, 140, 120, 90, 33.3) in progress
    assert progress[-1] == ("合计", 330, 150, 120, 90, 27.3)
    owed_rows = list(wb["未上报"].values)
    assert ("440300", "深圳市", "学员信息表", "初中数学") in owed_rows
    event = AuditEvent.objects.get(verb="reporting.board_exported")
    assert event.actor == project_office
    assert event.data == {"project": project.pk, "region": "000000", "rows": 2, "not_reported": 4}


def test_export_outside_the_scope_is_404_and_not_recorded(client, gz_city_lead, project, world):
    client.force_login(gz_city_lead)

    assert client.get(EXPORT, {"region": "440300"}).status_code == 404
    assert not AuditEvent.objects.filter(verb="reporting.board_exported").exists()


# --- The API ----------------------------------------------------------------------------------------------


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_api_gives_the_board_of_the_caller(project_office, gd_province_lead, project, world):
    body = api(project_office).get(API).json()
    assert (body["level"], body["region"], body["project"]) == ("nation", None, project.pk)
    assert {r["key"]: r["quota"] for r in body["rows"]} == {"110000": 60, "440000": 270}
    assert body["total"]["percent"] == 27.3

    body = api(gd_province_lead).get(API).json()
    assert (body["level"], body["region"]) == ("province", "440000")
    assert body["unallocated_quota"] == 40


def test_api_denies_what_the_caller_may_not_see(learner, gd_province_lead, gz_city_lead, project, world):
    assert api(learner).get(API).status_code in (403, 404)
    assert api(gd_province_lead).get(API, {"region": "110000"}).status_code == 404
    assert api(gz_city_lead).get(API, {"region": "440300"}).status_code == 404
    assert APIClient().get(API).status_code in (401, 403)


# --- Cost -------------------------------------------------------------------------------------------------


def _fill(project, subjects, city_codes):
    Quota.objects.bulk_create(
        [Quota(project=project, region_id=c, subject=s, places=100) for c in city_codes for s in subjects]
    )
    Submission.objects.bulk_create(
        [
            Submission(
                project=project,
                kind="trainee",
                region_id=c,
                subject=s,
                state=S.DRAFT if s.pk % 2 else S.SUBMITTED,
                row_count=50,
            )
            for c in city_codes
            for s in subjects
        ]
    )


@pytest.mark.parametrize("region_code", [None, "440000", "440100"])
def test_query_count_does_not_grow_with_cities_and_subjects(
    client, project_office, project, region_code, django_assert_max_num_queries
):
    client.force_login(project_office)
    params = {"region": region_code} if region_code else {}
    few = [Subject.objects.create(project=project, stage="初中", name=f"学科{i}") for i in range(2)]
    _fill(project, few, ["440100", "440300"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(PAGE, params).status_code == 200

    more = [Subject.objects.create(project=project, stage="小学", name=f"学科{i}") for i in range(17)]
    cities = list(
        Region.objects.filter(level=Region.Level.CITY, code__regex=r"^(44|11)").values_list("code", flat=True)
    )
    _fill(project, more, cities)
    _fill(project, few, [c for c in cities if c not in ("440100", "440300")])
    Submission.objects.create(project=project, kind="trainer", region_id="110000", state=S.DRAFT, row_count=3)

    with django_assert_max_num_queries(len(small)):
        response = client.get(PAGE, params)
    assert response.status_code == 200
    assert len(response.context["board"].subjects) == 19


def test_the_page_lists_the_tables_still_owed(client, gd_province_lead, project, world):
    html = page(client, gd_province_lead).content.decode()

    owed_card = html.split('data-testid="board-not-reported"')[1]
    assert "<strong>深圳市</strong> · 学员信息表：初中数学" in owed_card
    assert "<strong>广东省</strong> · 学员信息表：小学数学" in owed_card
    assert "广州市" not in owed_card and "北京市" not in owed_card


# --- Which project the board opens on, and the switch ----------------------------------------------------


def _project_office_everywhere(user, *projects):
    for each in projects:
        RoleAssignment.objects.get_or_create(
            user=user, role="project_office", region=region("000000"), project=each
        )


def test_the_board_opens_on_the_project_reporting_now_not_the_newest(
    client, project_office, orgs, project, world
):
    # Given 2011 reporting (its window open), a newer project not reporting yet, an older one without quotas
    now = timezone.now()
    for kind in ("trainee", "trainer"):
        ReportingWindow.objects.create(
            project=project,
            kind=kind,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=9),
        )
    newer = Project.objects.create(
        name="国培计划(2012)", short_name="国培计划(2012)", year=2012, office=orgs["office"]
    )
    older = Project.objects.create(
        name="国培计划(2010)", short_name="国培计划(2010)", year=2010, office=orgs["office"]
    )
    _project_office_everywhere(project_office, newer, older)

    # When the office opens 信息上报 → 上报进度 with no project named
    response = page(client, project_office)

    # Then it is 2011's board, with figures, and a switch to the other two
    assert response.status_code == 200
    assert response.context["board"].project == project
    assert response.context["board"].total.reported > 0
    switch = response.content.decode()
    assert 'data-testid="project-switch"' in switch
    assert [p.pk for p in response.context["projects"]] == [project.pk, newer.pk, older.pk]
    assert "上报中" in switch
    # and the switch opens the other projects
    assert page(client, project_office, project=older.pk).context["board"].project == older


def test_without_an_open_window_the_board_opens_on_the_newest_project_with_quotas(
    client, project_office, orgs, project, world
):
    newer = Project.objects.create(name="国培计划(2012)", year=2012, office=orgs["office"])
    _project_office_everywhere(project_office, newer)

    response = page(client, project_office)

    assert response.context["board"].project == project  # 2012 has no quotas yet


def test_the_switch_lists_only_projects_whose_reporting_the_person_follows(
    client, gd_province_lead, orgs, project, world
):
    # A learner's role in another project shows that project elsewhere, not in the reporting switch
    other = Project.objects.create(name="广东省级项目", year=2012, office=orgs["office"])
    RoleAssignment.objects.create(
        user=gd_province_lead, role="learner", organization=orgs["gd_bureau"], project=other
    )

    response = page(client, gd_province_lead)

    assert response.context["board"].project == project
    assert [p.pk for p in response.context["projects"]] == [project.pk]
    assert 'data-testid="project-switch"' not in response.content.decode()  # one project: nothing to switch


@pytest.mark.parametrize("bad", ["abc", "1.5", "99999", "1 OR 1=1"])
def test_a_malformed_or_unknown_project_is_404(client, project_office, project, world, bad):
    assert page(client, project_office, project=bad).status_code == 404


def test_the_reporting_list_opens_on_the_same_project_with_the_switch(
    client, project_office, orgs, project, world
):
    newer = Project.objects.create(name="国培计划(2012)", year=2012, office=orgs["office"])
    _project_office_everywhere(project_office, newer)
    client.force_login(project_office)

    response = client.get("/reporting/")

    assert response.context["project"] == project
    assert 'data-testid="project-switch"' in response.content.decode()
    assert client.get("/reporting/", {"project": newer.pk}).context["project"] == newer
