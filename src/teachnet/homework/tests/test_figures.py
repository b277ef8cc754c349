"""Homework's figures in briefings: the progress of each assignment over the briefing's classes, and the
pieces recommended as excellent; a scope with nothing of them gets no table (and is not offered one)."""

import pytest

from teachnet.briefings import figures

from .. import services
from .factories import ALL_TOP, HONEST1, HONEST2, ORIGINAL, assignment_make, submitted, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(project, orgs, chief_expert, tutor, learner, sz_learner):
    return world_build(
        project=project, orgs=orgs, chief_expert=chief_expert, tutor=tutor, learner=learner,
        sz_learner=sz_learner,
    )  # fmt: skip


def test_homework_figures_are_registered_for_every_kind_of_briefing():
    for kind in ("expert", "class", "provincial"):
        keys = [f.key for f in figures.offered(kind)]
        assert "homework.progress" in keys and "homework.excellent" in keys


def test_progress_counts_each_assignment_over_the_scopes_classes(w, project, chief_expert, tutor, learner):
    a = assignment_make(w, chief_expert)
    graded = submitted(learner, a, ORIGINAL)
    graded = services.submission_grade(
        actor=tutor, submission=graded, levels=ALL_TOP, comment="很好", version=graded.version
    )
    services.submission_recommend(actor=tutor, submission=graded, on=True, version=graded.version)
    back = submitted(w.classmates_a[0], a, HONEST1)
    services.submission_return(actor=tutor, submission=back, reason="请补充评价方式", version=back.version)
    submitted(w.classmates_a[1], a, HONEST2)
    submitted(w.classmates_b[0], a, HONEST2 + "深圳")

    klass = figures.take("homework.progress", figures.Scope("class", project, training_class=w.class_a))
    assert klass.columns[:3] == ["作业", "截止时间", "学员"]
    # 广州一班: 4 learners, 3 submitted, 1 graded, 1 waiting for a grade, 1 back for revision, 1 excellent.
    assert klass.rows == [[a.title, klass.rows[0][1], 4, 3, 1, 1, 1, 0, 1]]

    subject = figures.take("homework.progress", figures.Scope("expert", project, provider_subject=w.ps))
    assert subject.rows[0][2:] == [8, 4, 1, 2, 1, 0, 1]  # both classes

    best = figures.take("homework.excellent", figures.Scope("expert", project, provider_subject=w.ps))
    assert best.rows == [[a.title, learner.real_name, "广州一班", tutor.real_name, 40]]
    assert (
        figures.take("homework.excellent", figures.Scope("class", project, training_class=w.class_b)) is None
    )


def test_a_class_without_homework_gets_no_table(w, project):
    assert (
        figures.take("homework.progress", figures.Scope("class", project, training_class=w.class_b)) is None
    )
