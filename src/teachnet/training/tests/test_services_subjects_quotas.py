"""TRN-1, REP-8: a project's subjects (added one by one or as the plan's 19, removed while nothing uses them)
and its quotas set one at a time (0 removes one), with the warning where cities outgrow their province."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teachnet.core.models import AuditEvent
from teachnet.training.models import Enrollment, Quota, Subject
from teachnet.training.selectors_projects import quota_table, quotas_xlsx, subject_uses_by_stage
from teachnet.training.services_projects import (
    quota_set,
    subject_add,
    subject_remove,
    subjects_add_gp2011,
)

from .factories import assign, subjects_of

pytestmark = pytest.mark.django_db


# --- Subjects ------------------------------------------------------------------------------------------


def test_project_office_adds_a_subject(project_office, project):
    subject = subject_add(actor=project_office, project=project, stage="高中", name=" 信息技术 ")
    assert (subject.stage, subject.name, subject.label) == ("高中", "信息技术", "高中信息技术")
    assert AuditEvent.objects.get(verb="training.subject_added").data == {"subject": "高中信息技术"}


def test_a_subject_name_keeps_no_control_characters(project_office, project):
    # Found by the API contract run: a name with \x13 in it broke the quotas' xlsx, which cannot hold one.
    subject = subject_add(actor=project_office, project=project, stage="初中", name="数\x13学\x00")
    assert subject.name == "数学"
    name, content = quotas_xlsx(project=project)
    assert content.startswith(b"PK")


def test_a_subject_the_project_has_is_refused_on_its_name(project_office, project):
    subject_add(actor=project_office, project=project, stage="初中", name="数学")
    with pytest.raises(ValidationError) as info:
        subject_add(actor=project_office, project=project, stage="初中", name="数学")
    assert info.value.message_dict == {"name": ["本项目已有学科“初中数学”。"]}
    # The same name in another stage is another subject
    subject_add(actor=project_office, project=project, stage="小学", name="数学")
    assert project.subjects.count() == 2


@pytest.mark.parametrize(
    ("stage", "name", "field"),
    [
        ("大学", "数学", "stage"),
        ("初中", "", "name"),
        ("初中", "初中数学", "name"),
        ("初中", "数" * 21, "name"),
    ],
)
def test_bad_subjects_are_refused_on_their_field(project_office, project, stage, name, field):
    with pytest.raises(ValidationError) as info:
        subject_add(actor=project_office, project=project, stage=stage, name=name)
    assert field in info.value.message_dict
    assert not project.subjects.exists()


@pytest.mark.parametrize("persona_name", ["gz_city_lead", "gd_province_lead", "provider_admin"])
def test_only_the_project_office_changes_subjects(request, persona_name, project):
    actor = request.getfixturevalue(persona_name)
    with pytest.raises(PermissionDenied):
        subject_add(actor=actor, project=project, stage="初中", name="数学")
    with pytest.raises(PermissionDenied):
        subjects_add_gp2011(actor=actor, project=project)
    math = Subject.objects.create(project=project, stage="初中", name="数学")
    with pytest.raises(PermissionDenied):
        subject_remove(actor=actor, subject=math)
    assert list(project.subjects.all()) == [math]


def test_the_plans_19_subjects_are_added_once(project_office, project):
    subject_add(actor=project_office, project=project, stage="初中", name="数学")

    added = subjects_add_gp2011(actor=project_office, project=project)

    assert len(added) == 18 and project.subjects.count() == 19
    assert subjects_add_gp2011(actor=project_office, project=project) == []
    assert project.subjects.count() == 19
    assert AuditEvent.objects.filter(verb="training.subjects_added").count() == 1
    stages = subject_uses_by_stage(project=project)
    assert [(stage, len(uses)) for stage, uses in stages] == [("小学", 7), ("初中", 12)]


def test_an_unused_subject_is_removed(project_office, project):
    pe = subject_add(actor=project_office, project=project, stage="初中", name="体育")
    subject_remove(actor=project_office, subject=pe)
    assert not project.subjects.exists()
    assert AuditEvent.objects.get(verb="training.subject_removed").data == {"subject": "初中体育"}


def test_a_subject_in_use_is_kept_and_the_refusal_says_by_what(
    project_office, project, regions, orgs, learner
):
    subjects = subjects_of(project)
    math = subjects["初中数学"]
    Quota.objects.create(project=project, region=regions["440100"], subject=math, places=120)
    Enrollment.objects.create(
        project=project, subject=math, user=learner, role=Enrollment.Role.LEARNER, region=regions["440100"]
    )
    assign(project, orgs["bnu"], "初中数学")

    with pytest.raises(ValidationError) as info:
        subject_remove(actor=project_office, subject=math)

    [message] = info.value.messages
    assert "初中数学" in message
    assert "1 条名额" in message and "1 条参训记录" in message and "北京师范大学" in message
    assert Subject.objects.filter(pk=math.pk).exists()
    assert not AuditEvent.objects.filter(verb="training.subject_removed").exists()


# --- One quota at a time -------------------------------------------------------------------------------


def test_set_a_quota_change_it_and_remove_it_with_0(project_office, project, regions):
    math = subjects_of(project)["初中数学"]

    quota = quota_set(
        actor=project_office, project=project, region=regions["440100"], subject=math, places=120
    )
    assert (quota.region_id, quota.places) == ("440100", 120)
    quota_set(actor=project_office, project=project, region=regions["440100"], subject=math, places=150)
    assert Quota.objects.get().places == 150
    assert (
        quota_set(actor=project_office, project=project, region=regions["440100"], subject=math, places=0)
        is None
    )
    assert not Quota.objects.exists()

    events = AuditEvent.objects.filter(verb="training.quota_set").order_by("id")
    assert [(e.data["before"], e.data["after"]) for e in events] == [(0, 120), (120, 150), (150, 0)]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("330000", "浙江省不是本项目的参与省份"),
        ("330100", "所在的浙江省不是本项目的参与省份"),
        ("440106", "不是省或地市"),
    ],
)
def test_a_quota_outside_the_projects_provinces_is_refused(project_office, project, code, words):
    from teachnet.orgs.models import Region

    math = subjects_of(project)["初中数学"]
    with pytest.raises(ValidationError) as info:
        quota_set(
            actor=project_office,
            project=project,
            region=Region.objects.get(code=code),
            subject=math,
            places=10,
        )
    assert words in info.value.message_dict["region"][0]
    assert not Quota.objects.exists()


def test_negative_places_are_refused(project_office, project, regions):
    math = subjects_of(project)["初中数学"]
    with pytest.raises(ValidationError) as info:
        quota_set(actor=project_office, project=project, region=regions["440100"], subject=math, places=-1)
    assert "places" in info.value.message_dict


def test_city_lead_cannot_set_a_quota(gz_city_lead, project, regions):
    math = subjects_of(project)["初中数学"]
    with pytest.raises(PermissionDenied):
        quota_set(actor=gz_city_lead, project=project, region=regions["440100"], subject=math, places=999)
    assert not Quota.objects.exists()


# --- The table and its warning -------------------------------------------------------------------------


def test_the_table_counts_a_provinces_split_as_the_board_does_and_warns_when_cities_exceed_it(
    project_office, project, regions
):
    subjects = subjects_of(project)
    math, chinese = subjects["初中数学"], subjects["小学语文"]
    for region, subject, places in [
        ("440000", math, 150),  # the province's quota, split below into 120 + 80 = 200: more than 150
        ("440100", math, 120),
        ("440300", math, 80),
        ("440000", chinese, 40),  # no split: the province's quota counts
        ("110000", math, 50),
    ]:
        quota_set(
            actor=project_office, project=project, region=regions[region], subject=subject, places=places
        )

    table = quota_table(project=project)

    assert [(r.region.code, r.is_city, r.total) for r in table.rows] == [
        ("110000", False, 50),
        ("440000", False, 240),
        ("440100", True, 120),
        ("440300", True, 80),
    ]
    at = {s.label: i for i, s in enumerate(table.subjects)}
    gd = table.rows[1]
    assert (gd.cells[at["初中数学"]].places, gd.cells[at["初中数学"]].cities) == (150, 200)
    assert gd.cells[at["初中数学"]].warning and not gd.cells[at["小学语文"]].warning
    assert table.column_totals[at["初中数学"]] == 250 and table.column_totals[at["小学语文"]] == 40
    assert table.total == 290
    [warning] = table.warnings
    assert warning.message == "广东省 初中数学：各地市名额合计 200，超过省级名额 150。"

    # Filtered to one province, only its rows remain
    only_gd = quota_table(project=project, province="440000")
    assert [r.region.code for r in only_gd.rows] == ["440000", "440100", "440300"]
    assert only_gd.total == 240
