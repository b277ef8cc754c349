"""The briefings API, scoped like the pages: list and read, write and publish, figures, exports, templates,
counters; denials are 404."""

import pytest
from rest_framework.test import APIClient

from teachnet.core.models import AuditEvent

from .. import exports
from ..models import Briefing
from .factories import class_scope, expert_scope, published, written

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def issued(world, chief_expert, tutor):
    return {
        "expert": published(chief_expert, expert_scope(world["pe"])),
        "gz": published(tutor, class_scope(world["gz"])),
        "gz_draft": written(tutor, class_scope(world["gz"]), title="广州草稿"),
    }


def test_anonymous_gets_401():
    assert api().get("/api/v1/briefings/").status_code in (401, 403)


def test_the_list_is_scoped_to_the_caller(issued, learner, sz_learner, tutor):
    ids = lambda user, q="": {r["id"] for r in api(user).get(f"/api/v1/briefings/{q}").json()["results"]}  # noqa: E731
    assert ids(learner) == {issued["expert"].pk, issued["gz"].pk}
    assert ids(sz_learner) == {issued["expert"].pk}
    assert ids(tutor) == {issued["expert"].pk, issued["gz"].pk, issued["gz_draft"].pk}
    assert ids(tutor, "?state=draft") == {issued["gz_draft"].pk}
    assert ids(tutor, "?kind=expert") == {issued["expert"].pk}
    # A project that is not an id breaks the schema: 400 (core.rest_api.errors), not "no such object".
    assert api(tutor).get("/api/v1/briefings/?project=abc").status_code == 400


def test_reading_one_gives_sections_figures_and_what_may_be_inserted(issued, learner, tutor):
    body = api(learner).get(f"/api/v1/briefings/{issued['gz'].pk}/").json()
    assert body["number"] == 1 and body["kind"] == "class" and body["may_write"] is False
    assert [s["key"] for s in body["sections"]] == ["progress", "highlights", "next"]
    assert {"key": "learning.study", "label": "学习情况（学时）"} in body["figures_offered"]
    assert api(learner).get(f"/api/v1/briefings/{issued['gz_draft'].pk}/").status_code == 404
    assert api(tutor).get(f"/api/v1/briefings/{issued['gz_draft'].pk}/").json()["may_write"] is True
    assert api(tutor).get("/api/v1/briefings/abc/").status_code == 404


def test_write_insert_publish_through_the_api(world, tutor):
    client = api(tutor)
    created = client.post(
        "/api/v1/briefings/", {"kind": "class", "training_class": world["gz"].pk}, format="json"
    )
    assert created.status_code == 201, created.content
    b = created.json()
    patched = client.patch(
        f"/api/v1/briefings/{b['id']}/",
        {
            "title": "第一期 𠀀",
            "sections": {"progress": "全班开学<script>x</script>"},
            "version": b["version"],
        },
        format="json",
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert body["title"] == "第一期 𠀀" and "script" not in body["sections"][0]["body"]
    assert "全班开学" in body["sections"][0]["body"]
    stale = client.patch(
        f"/api/v1/briefings/{b['id']}/", {"title": "旧", "version": b["version"]}, format="json"
    )
    assert stale.status_code == 422 and "version" in stale.json()
    figure = client.post(
        f"/api/v1/briefings/{b['id']}/figures/",
        {"key": "learning.study", "section": "progress"},
        format="json",
    )
    assert figure.status_code == 201 and figure.json()["rows"][0][0] == "广州一班"
    bad = client.post(f"/api/v1/briefings/{b['id']}/figures/", {"key": "nope"}, format="json")
    assert bad.status_code == 422 and "figure" in bad.json()
    done = client.post(f"/api/v1/briefings/{b['id']}/publish/", {}, format="json")
    assert done.status_code == 200 and done.json()["number"] == 1 and done.json()["state"] == "published"
    again = client.patch(
        f"/api/v1/briefings/{b['id']}/", {"title": "改", "version": done.json()["version"]}, format="json"
    )
    assert again.status_code == 422 and "state" in again.json()


def test_figures_are_removed_from_drafts_only_by_writers(world, tutor, other_tutor):
    b = written(tutor, class_scope(world["gz"]))
    figure = (
        api(tutor).post(f"/api/v1/briefings/{b.pk}/figures/", {"key": "learning.study"}, format="json").json()
    )
    assert api(other_tutor).delete(f"/api/v1/briefings/{b.pk}/figures/{figure['id']}/").status_code == 404
    assert api(tutor).delete(f"/api/v1/briefings/{b.pk}/figures/{figure['id']}/").status_code == 204
    assert api(tutor).delete(f"/api/v1/briefings/{b.pk}/figures/{figure['id']}/").status_code == 404


def test_writing_is_refused_to_everyone_else_as_404(
    world, issued, learner, other_tutor, chief_expert, project_office
):
    gz = world["gz"].pk
    for user in (learner, other_tutor, chief_expert):
        assert (
            api(user)
            .post("/api/v1/briefings/", {"kind": "class", "training_class": gz}, format="json")
            .status_code
            == 404
        )
    assert (
        api(other_tutor)
        .patch(f"/api/v1/briefings/{issued['gz_draft'].pk}/", {"version": 1}, format="json")
        .status_code
        == 404
    )
    assert (
        api(learner)
        .post(f"/api/v1/briefings/{issued['gz_draft'].pk}/publish/", {}, format="json")
        .status_code
        == 404
    )
    assert api(other_tutor).delete(f"/api/v1/briefings/{issued['gz_draft'].pk}/").status_code == 404
    assert (
        api(project_office)
        .post(
            "/api/v1/briefings/",
            {"kind": "provincial", "project": world["pe"].project_id, "province": "440000"},
            format="json",
        )
        .status_code
        == 404
    )
    missing = api(learner).post("/api/v1/briefings/", {"kind": "class"}, format="json")
    assert missing.status_code == 422 and "training_class" in missing.json()  # a rule of the kind: 422
    assert (
        api(learner)
        .post("/api/v1/briefings/", {"kind": "class", "training_class": 99999}, format="json")
        .status_code
        == 404
    )
    assert Briefing.objects.count() == 3


def test_the_province_lead_writes_the_work_briefing(world, gd_province_lead, project_office):
    created = api(gd_province_lead).post(
        "/api/v1/briefings/",
        {"kind": "provincial", "project": world["pe"].project_id, "province": "440000"},
        format="json",
    )
    assert created.status_code == 201
    b = created.json()
    api(gd_province_lead).patch(
        f"/api/v1/briefings/{b['id']}/",
        {"sections": {"work": "进展"}, "version": b["version"]},
        format="json",
    )
    assert (
        api(gd_province_lead)
        .post(f"/api/v1/briefings/{b['id']}/publish/", {}, format="json")
        .json()["number"]
        == 1
    )
    assert api(project_office).get(f"/api/v1/briefings/{b['id']}/").status_code == 200


@pytest.mark.skipif(bool(exports.fonts_missing()), reason="needs fonts-noto-cjk and fonts-hanazono")
def test_exports_through_the_api_are_files_and_recorded(issued, learner):
    pdf = api(learner).get(f"/api/v1/briefings/{issued['gz'].pk}/export/pdf/")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    word = api(learner).get(f"/api/v1/briefings/{issued['gz'].pk}/export/docx/")
    assert word.status_code == 200 and word.content[:2] == b"PK"
    assert AuditEvent.objects.filter(verb="briefing.exported", actor=learner).count() == 2
    assert api(learner).get(f"/api/v1/briefings/{issued['gz_draft'].pk}/export/pdf/").status_code == 404


def test_missing_fonts_are_a_503_with_the_reason(monkeypatch, issued, learner):
    monkeypatch.setattr(exports, "fonts_missing", lambda: ["Noto Sans CJK SC"])
    response = api(learner).get(f"/api/v1/briefings/{issued['gz'].pk}/export/pdf/")
    assert response.status_code == 503 and "fonts-noto-cjk" in response.json()["detail"]


def test_templates_are_listed(learner):
    body = api(learner).get("/api/v1/briefing-templates/?kind=expert").json()
    assert [t["kind"] for t in body["results"]] == ["expert"]
    assert [s["title"] for s in body["results"][0]["sections"]][0] == "共性问题"


def test_standings_for_writers_and_followers(world, issued, tutor, project_office, learner):
    project = world["pe"].project_id
    mine = api(tutor).get(f"/api/v1/briefing-standings/?project={project}").json()["results"]
    assert [(r["kind"], r["scope"], r["count"], r["minimum"]) for r in mine] == [("class", "广州一班", 1, 5)]
    everything = api(project_office).get(f"/api/v1/briefing-standings/?project={project}").json()["results"]
    assert {(r["kind"], r["scope"]) for r in everything} == {
        ("expert", "初中体育（北京师范大学）"),
        ("class", "广州一班"),
        ("class", "深圳一班"),
        ("provincial", "广东省"),
        ("provincial", "北京市"),
    }
    assert api(learner).get(f"/api/v1/briefing-standings/?project={project}").json()["results"] == []
    assert api(tutor).get("/api/v1/briefing-standings/?project=x").status_code == 400  # not an id


def test_the_schema_documents_every_briefings_endpoint():
    import yaml

    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    paths = schema["paths"]
    for path in (
        "/api/v1/briefings/",
        "/api/v1/briefings/{id}/",
        "/api/v1/briefings/{id}/publish/",
        "/api/v1/briefings/{id}/figures/",
        "/api/v1/briefings/{id}/figures/{figure_id}/",
        "/api/v1/briefings/{id}/export/{fmt}/",
        "/api/v1/briefing-templates/",
        "/api/v1/briefing-standings/",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/briefings/{id}/"]) == {"get", "patch", "delete"}
