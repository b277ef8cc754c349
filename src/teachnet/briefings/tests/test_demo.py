"""The demo's briefings (`teachnet demo`): 国培计划(2010) 初中体育 at 3/5 with a draft for `expert`, the
Guangzhou class's two issues and a draft for `tutor`, Guangdong's work briefing from `gd_lead`; every role
finds them where it looks, and the office's counters show each subject, class and province."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from teachnet.accounts.models import User
from teachnet.demo.tests.test_demo import (
    GP2010_NAME,
    every_row_count,
    full_length_videos,
    needs_ffmpeg,
    run_demo,
)

from ..models import Briefing

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@needs_ffmpeg
@full_length_videos
@override_settings(BRIEFING_WARN_DAYS=30)
def test_every_role_has_briefings_waiting_in_the_demo():
    output = run_demo(learners=300)
    assert "briefings" in output and "expert 4, class 3, provincial 1" in output
    ours = Briefing.objects.filter(project__name=GP2010_NAME)

    expert = ours.filter(kind="expert")
    assert sorted(expert.exclude(number=None).values_list("number", flat=True)) == [1, 2, 3]
    draft = expert.get(state="draft")
    assert draft.author.username == "expert"
    assert expert.filter(figures__key="learning.study").exists()

    klass = ours.filter(kind="class")
    assert klass.filter(state="published").count() == 2 and klass.filter(state="draft").count() == 1
    assert {b.author.username for b in klass} == {"tutor"}
    assert klass.get(number=1).figures.get().rows[0][0] == klass.first().training_class.name
    provincial = ours.get(kind="provincial")
    assert (provincial.number, provincial.province_id, provincial.author.username) == (1, "440000", "gd_lead")

    # The expert: 3/5 with the warning, the draft to publish
    html = client_for("expert").get(reverse("briefings:index")).content.decode()
    assert 'data-count="3" data-minimum="5"' in html and 'data-testid="briefing-warning"' in html
    scope = (
        client_for("expert")
        .get(reverse("briefings:subject", args=[draft.provider_subject_id]))
        .content.decode()
    )
    assert draft.title in scope
    assert client_for("expert").get(reverse("briefings:edit", args=[draft.pk])).status_code == 200
    # The tutor: 2/5 and the third issue as a draft
    html = client_for("tutor").get(reverse("briefings:index")).content.decode()
    assert 'data-count="2" data-minimum="5"' in html
    # The learner reads the subject's and the class's issues
    html = client_for("learner").get(reverse("briefings:index")).content.decode()
    for issued in ours.filter(state="published").exclude(kind="provincial"):
        assert reverse("briefings:detail", args=[issued.pk]) in html
    assert reverse("briefings:detail", args=[provincial.pk]) not in html
    assert client_for("learner").get(reverse("briefings:detail", args=[draft.pk])).status_code == 404
    # The office: every subject, class and province of 2010, Guangdong at 1/2
    project = provincial.project_id
    html = client_for("office").get(reverse("briefings:standings") + f"?project={project}").content.decode()
    for unit in (
        "初中体育（北京师范大学）",
        "初中数学",
        "小学语文",
        klass.first().training_class.name,
        "广东省",
        "北京市",
    ):
        assert unit in html, unit
    assert 'data-testid="standings-warning"' in html
    # The province lead: Guangdong's work briefing at 1/2, the next to write
    html = client_for("gd_lead").get(reverse("briefings:index") + f"?project={project}").content.decode()
    assert 'data-kind="provincial"' in html and 'data-count="1" data-minimum="2"' in html

    # A second run writes nothing
    before = every_row_count()
    run_demo(learners=300)
    assert every_row_count() == before
