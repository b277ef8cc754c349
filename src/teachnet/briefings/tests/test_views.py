"""The pages: who reads what, who writes, the editor's round trip (nothing typed is lost), the counters on
the writers' and the office's pages, and the denials."""

import datetime as dt

import pytest
from django.urls import reverse

from ..models import Briefing
from .factories import class_scope, expert_scope, province_scope, published, written

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.fixture
def issued(world, project, chief_expert, tutor, gd_province_lead):
    return {
        "expert": published(chief_expert, expert_scope(world["pe"]), title="初中体育专家简报"),
        "expert_draft": written(chief_expert, expert_scope(world["pe"]), title="专家草稿"),
        "gz": published(tutor, class_scope(world["gz"]), title="广州一班简报"),
        "gz_draft": written(tutor, class_scope(world["gz"]), title="广州草稿"),
        "province": published(gd_province_lead, province_scope(project), title="广东省工作简报"),
    }


AUDIENCE = {
    # persona: the briefings they read (published), then those they must not
    "learner": ({"expert", "gz"}, {"expert_draft", "gz_draft", "province"}),
    "sz_learner": ({"expert"}, {"gz", "gz_draft", "expert_draft", "province"}),
    "tutor": ({"expert", "gz", "gz_draft"}, {"expert_draft", "province"}),
    "other_tutor": ({"expert"}, {"gz", "gz_draft", "expert_draft", "province"}),
    "chief_expert": ({"expert", "expert_draft", "gz"}, {"gz_draft", "province"}),
    "provider_admin": ({"expert", "gz"}, {"expert_draft", "gz_draft", "province"}),
    "project_office": ({"expert", "gz", "province"}, {"expert_draft", "gz_draft"}),
    "gd_province_lead": ({"expert", "gz", "province"}, {"expert_draft", "gz_draft"}),
    "gz_city_lead": ({"expert", "gz", "province"}, {"gz_draft"}),
    "sz_city_lead": ({"expert", "province"}, {"gz", "gz_draft"}),
}


@pytest.mark.parametrize("who", sorted(AUDIENCE))
def test_each_reads_their_audiences_briefings_and_nothing_else(request, client, issued, who):
    user = request.getfixturevalue(who)
    reads, denied = AUDIENCE[who]
    for name in reads:
        response = _get(client, user, reverse("briefings:detail", args=[issued[name].pk]))
        assert response.status_code == 200, (who, name)
    for name in denied:
        response = _get(client, user, reverse("briefings:detail", args=[issued[name].pk]))
        assert response.status_code == 404, (who, name)
        export = client.get(reverse("briefings:export", args=[issued[name].pk, "docx"]))
        assert export.status_code == 404, (who, name)


def test_anonymous_is_sent_to_log_in(client, issued):
    response = client.get(reverse("briefings:detail", args=[issued["expert"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_index_lists_what_the_person_writes_and_reads(client, issued, tutor):
    html = _get(client, tutor, reverse("briefings:index")).content.decode()
    assert "我负责的简报" in html and "广州一班" in html and 'data-count="1" data-minimum="5"' in html
    assert "初中体育专家简报" in html and "广州一班简报" in html
    assert "专家草稿" not in html


def test_a_learner_sees_no_writing_and_cannot_create(client, issued, world, learner):
    html = _get(client, learner, reverse("briefings:index")).content.decode()
    assert "我负责的简报" not in html and "广州一班简报" in html
    assert client.get(reverse("briefings:class", args=[world["gz"].pk])).status_code == 404
    response = client.post(reverse("briefings:class", args=[world["gz"].pk]), {"title": "x"})
    assert response.status_code == 404
    assert client.get(reverse("briefings:edit", args=[issued["gz_draft"].pk])).status_code == 404


def test_another_classs_tutor_cannot_open_or_write_for_the_class(client, issued, world, other_tutor):
    client.force_login(other_tutor)
    assert client.get(reverse("briefings:class", args=[world["gz"].pk])).status_code == 404
    assert client.post(reverse("briefings:class", args=[world["gz"].pk]), {}).status_code == 404
    response = client.post(
        reverse("briefings:edit", args=[issued["gz_draft"].pk]), {"title": "抢改", "version": 1}
    )
    assert response.status_code == 404
    assert client.post(reverse("briefings:publish", args=[issued["gz_draft"].pk])).status_code == 404
    assert client.post(reverse("briefings:delete", args=[issued["gz_draft"].pk])).status_code == 404
    assert Briefing.objects.get(pk=issued["gz_draft"].pk).title == "广州草稿"


def test_malformed_and_missing_ids_are_404(client, tutor):
    client.force_login(tutor)
    assert client.get("/briefings/999999/").status_code == 404
    assert client.get("/briefings/province/999999/440000/").status_code == 404
    assert client.get("/briefings/1/export.exe").status_code == 404


def test_the_tutor_writes_inserts_a_table_and_publishes_from_the_editor(client, world, tutor):
    client.force_login(tutor)
    response = client.post(reverse("briefings:class", args=[world["gz"].pk]), {"title": "广州一班第一期"})
    briefing = Briefing.objects.get(title="广州一班第一期")
    assert response["Location"] == reverse("briefings:edit", args=[briefing.pk])
    page = client.get(response["Location"]).content.decode()
    assert "本期学习情况" in page and "data-richtext" in page and "插入当前数据表" in page
    form = {
        "title": "广州一班第一期",
        "version": briefing.version,
        "section_progress": "<p>全班已开始学习。</p>",
        "section_highlights": "",
        "section_next": "<p>下周研讨。</p>",
        "figure_progress": "learning.study",
        "action": "insert:progress",
    }
    response = client.post(reverse("briefings:edit", args=[briefing.pk]), form)
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.figures.get().section.key == "progress"
    assert "全班已开始学习" in briefing.sections.get(key="progress").body
    form |= {"version": briefing.version, "action": "publish"}
    response = client.post(reverse("briefings:edit", args=[briefing.pk]), form)
    assert response["Location"] == reverse("briefings:detail", args=[briefing.pk])
    briefing.refresh_from_db()
    assert briefing.number == 1 and not briefing.is_draft
    html = client.get(reverse("briefings:detail", args=[briefing.pk])).content.decode()
    assert "第 1 期" in html and "学习情况（学时）" in html and "数据截至" in html
    assert client.get(reverse("briefings:edit", args=[briefing.pk])).status_code == 302


def test_a_stale_save_shows_the_typed_text_and_says_why(client, world, tutor):
    briefing = written(tutor, class_scope(world["gz"]))
    client.force_login(tutor)
    stale = briefing.version - 1
    response = client.post(
        reverse("briefings:edit", args=[briefing.pk]),
        {
            "title": "我的标题",
            "version": stale,
            "section_progress": "<p>我刚写的一大段</p>",
            "action": "save",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "已被他人修改" in html and "我刚写的一大段" in html and "我的标题" in html


def test_a_huge_paste_is_refused_on_the_page_with_the_text_kept(client, world, tutor):
    briefing = written(tutor, class_scope(world["gz"]))
    client.force_login(tutor)
    response = client.post(
        reverse("briefings:edit", args=[briefing.pk]),
        {"title": "标题", "version": briefing.version, "section_next": "长" * 60_000, "action": "save"},
    )
    assert response.status_code == 400
    assert (
        "正文过长" in response.content.decode()
        and 'data-testid="section-errors"' in response.content.decode()
    )


def test_the_office_sees_every_counter_and_the_warning(client, settings, issued, project_office, world):
    settings.BRIEFING_WARN_DAYS = 40
    html = _get(client, project_office, reverse("briefings:standings")).content.decode()
    assert (
        "初中体育（北京师范大学）" in html and "广州一班" in html and "深圳一班" in html and "广东省" in html
    )
    assert "北京市" in html and 'data-testid="standings-warning"' in html and "还差 4 期" in html
    assert "第 1 期" in html


def test_the_province_lead_sees_their_province_the_city_lead_their_city(
    client, issued, gd_province_lead, sz_city_lead
):
    html = _get(client, gd_province_lead, reverse("briefings:standings")).content.decode()
    assert "广东省" in html and "北京市" not in html and "深圳一班" in html
    html = _get(client, sz_city_lead, reverse("briefings:standings")).content.decode()
    assert "深圳一班" in html and "广州一班" not in html


def test_writers_and_learners_have_no_counters_page(client, issued, tutor, learner):
    assert _get(client, tutor, reverse("briefings:standings")).status_code == 404
    assert _get(client, learner, reverse("briefings:standings")).status_code == 404


def test_the_warning_shows_on_the_writers_page(client, settings, world, tutor):
    settings.BRIEFING_WARN_DAYS = 30
    world["phase"].ends_on = dt.date.today() + dt.timedelta(days=3)
    world["phase"].save()
    html = _get(client, tutor, reverse("briefings:class", args=[world["gz"].pk])).content.decode()
    assert 'data-testid="briefing-warning"' in html and "还有 3 天" in html


def test_the_menu_offers_briefings_to_readers_and_writers(client, issued, learner, tutor, project_office):
    for user in (learner, tutor, project_office):
        html = _get(client, user, "/").content.decode()
        assert 'data-testid="nav-briefings"' in html
