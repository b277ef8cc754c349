"""Writing and publishing briefings: templates, numbering per scope, the version check, sanitizing, limits,
snapshots of figures, and who may write."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teachnet.core.models import AuditEvent

from .. import services
from ..models import Briefing, BriefingTemplate
from ..templates_data import EXPERT_SECTIONS
from .factories import class_scope, expert_scope, province_scope, published, written

pytestmark = pytest.mark.django_db

RARE = "生僻字 𠀀 𪚥 𡘙 〇"


def test_an_expert_briefing_starts_in_gps_five_sections(world, chief_expert):
    b = services.briefing_create(actor=chief_expert, scope=expert_scope(world["pe"]))
    assert [s.title for s in b.sections.all()] == [
        "共性问题",
        "重难点问题",
        "典型案例评析",
        "前阶段总结与反馈",
        "下阶段学习引领",
    ]
    assert b.is_draft and b.number is None and b.author == chief_expert
    assert b.title == "初中体育（北京师范大学） 专家简报"


def test_templates_are_data_a_changed_template_leaves_started_briefings_alone(world, tutor):
    template = BriefingTemplate.objects.get(kind="class")
    b = services.briefing_create(actor=tutor, scope=class_scope(world["gz"]))
    template.sections = [{"key": "only", "title": "唯一栏目"}]
    template.save()
    assert [s.key for s in b.sections.all()] == ["progress", "highlights", "next"]
    again = services.briefing_create(actor=tutor, scope=class_scope(world["gz"]))
    assert [s.title for s in again.sections.all()] == ["唯一栏目"]


def test_without_any_active_template_the_shipped_one_is_used(world, tutor):
    BriefingTemplate.objects.all().delete()
    b = services.briefing_create(actor=tutor, scope=class_scope(world["gz"]))
    assert [s.key for s in b.sections.all()] == ["progress", "highlights", "next"]
    assert BriefingTemplate.objects.get(kind="class").name == "班级学习简报"


def test_a_template_of_another_kind_is_refused(world, tutor):
    expert = BriefingTemplate.objects.get(kind="expert")
    with pytest.raises(ValidationError) as exc:
        services.briefing_create(actor=tutor, scope=class_scope(world["gz"]), template=expert)
    assert "template" in exc.value.message_dict


def test_template_sections_are_checked(world):
    bad = BriefingTemplate(kind="class", name="坏模板", sections=[{"key": "A b", "title": ""}, {"key": "x"}])
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "sections" in exc.value.message_dict
    assert BriefingTemplate(kind="expert", name="好模板", sections=EXPERT_SECTIONS).full_clean() is None


def test_publishing_numbers_each_scope_on_its_own(world, chief_expert, tutor):
    pe, gz = expert_scope(world["pe"]), class_scope(world["gz"])
    assert [published(chief_expert, pe).number for _ in range(3)] == [1, 2, 3]
    assert published(tutor, gz).number == 1
    draft = written(chief_expert, pe)
    assert draft.number is None
    assert published(chief_expert, pe).number == 4
    event = AuditEvent.objects.filter(verb="briefing.published").first()
    assert event.actor == tutor or event.actor == chief_expert
    assert AuditEvent.objects.filter(verb="briefing.published").count() == 5


def test_the_number_is_unique_per_scope_in_the_database(world, chief_expert):
    from django.db import IntegrityError, transaction

    first = published(chief_expert, expert_scope(world["pe"]))
    second = written(chief_expert, expert_scope(world["pe"]))
    with pytest.raises(IntegrityError), transaction.atomic():
        Briefing.objects.filter(pk=second.pk).update(
            number=first.number, state="published", published_at=first.published_at
        )


def test_nothing_to_publish_is_refused_with_a_reason(world, chief_expert):
    b = services.briefing_create(actor=chief_expert, scope=expert_scope(world["pe"]))
    with pytest.raises(ValidationError) as exc:
        services.briefing_publish(actor=chief_expert, briefing=b)
    assert "请至少填写一个栏目" in str(exc.value)


def test_a_published_briefing_cannot_be_edited(world, chief_expert):
    b = published(chief_expert, expert_scope(world["pe"]))
    with pytest.raises(ValidationError) as exc:
        services.briefing_update(actor=chief_expert, briefing=b, title="改", sections={}, version=b.version)
    assert "state" in exc.value.message_dict


def test_an_edit_on_an_older_copy_is_refused_and_the_newer_text_kept(world, chief_expert):
    b = services.briefing_create(actor=chief_expert, scope=expert_scope(world["pe"]))
    opened = b.version
    services.briefing_update(
        actor=chief_expert, briefing=b, title="甲的标题", sections={"common": "甲写的"}, version=opened
    )
    with pytest.raises(ValidationError) as exc:
        services.briefing_update(
            actor=chief_expert, briefing=b, title="乙的标题", sections={"common": "乙写的"}, version=opened
        )
    assert "version" in exc.value.message_dict and "已被他人修改" in exc.value.message_dict["version"][0]
    b.refresh_from_db()
    assert b.title == "甲的标题" and "甲写的" in b.sections.get(key="common").body


def test_script_is_sanitized_and_rare_characters_survive(world, tutor):
    b = written(
        tutor,
        class_scope(world["gz"]),
        text=f'<p onclick="x()">{RARE}<script>alert(1)</script><img src="http://evil/x.png"></p>',
    )
    body = Briefing.objects.get(pk=b.pk).sections.get(key="progress").body
    assert "script" not in body and "onclick" not in body and "img" not in body
    assert RARE in body
    renamed = services.briefing_update(
        actor=tutor, briefing=b, title=f"标题{RARE}", sections={}, version=b.version
    )
    assert Briefing.objects.get(pk=renamed.pk).title == f"标题{RARE}"


def test_a_huge_paste_is_refused_naming_the_section_and_nothing_is_lost(world, tutor):
    b = written(tutor, class_scope(world["gz"]), text="<p>先写的内容</p>")
    with pytest.raises(ValidationError) as exc:
        services.briefing_update(
            actor=tutor,
            briefing=b,
            title="新标题",
            sections={"progress": "字" * 60_000, "next": "下阶段"},
            version=b.version,
        )
    assert "section_progress" in exc.value.message_dict
    b.refresh_from_db()
    assert b.title != "新标题" and "先写的内容" in b.sections.get(key="progress").body
    assert b.sections.get(key="next").body == ""


def test_an_empty_title_is_refused_naming_the_field(world, tutor):
    b = written(tutor, class_scope(world["gz"]))
    with pytest.raises(ValidationError) as exc:
        services.briefing_update(actor=tutor, briefing=b, title="  \n ", sections={}, version=b.version)
    assert "title" in exc.value.message_dict


def test_only_the_scopes_writers_write(
    world, chief_expert, tutor, other_tutor, learner, gd_province_lead, project_office
):
    with pytest.raises(PermissionDenied):
        services.briefing_create(actor=other_tutor, scope=class_scope(world["gz"]))
    with pytest.raises(PermissionDenied):
        services.briefing_create(actor=learner, scope=class_scope(world["gz"]))
    with pytest.raises(PermissionDenied):
        services.briefing_create(actor=tutor, scope=expert_scope(world["pe"]))
    with pytest.raises(PermissionDenied):
        services.briefing_create(actor=project_office, scope=province_scope(world["pe"].project))
    draft = written(tutor, class_scope(world["gz"]))
    with pytest.raises(PermissionDenied):
        services.briefing_publish(actor=other_tutor, briefing=draft)
    assert published(gd_province_lead, province_scope(world["pe"].project)).number == 1


def test_a_province_lead_writes_only_for_their_province(world, gd_province_lead):
    with pytest.raises(PermissionDenied):
        services.briefing_create(actor=gd_province_lead, scope=province_scope(world["pe"].project, "110000"))


def test_an_inserted_table_is_a_snapshot_of_that_moment(world, tutor, learner):
    b = written(tutor, class_scope(world["gz"]))
    figure = services.figure_insert(actor=tutor, briefing=b, key="learning.study", section_key="progress")
    assert figure.columns[:3] == ["班级", "学员", "已开始学习"]
    assert figure.rows == [["广州一班", 1, 0, "0", 0, "0 秒"]]
    assert figure.section.key == "progress" and figure.taken_at is not None
    # Later study does not change the table already inserted.
    _credit(world, learner, 5400)
    figure.refresh_from_db()
    assert figure.rows == [["广州一班", 1, 0, "0", 0, "0 秒"]]
    again = services.figure_insert(actor=tutor, briefing=b, key="learning.study")
    assert again.rows[0][:4] == ["广州一班", 1, 1, "2"]


def test_the_subjects_table_has_a_row_per_class_and_a_total(world, chief_expert):
    b = written(chief_expert, expert_scope(world["pe"]))
    figure = services.figure_insert(actor=chief_expert, briefing=b, key="learning.study")
    assert [r[0] for r in figure.rows] == ["广州一班", "深圳一班", "合计"]
    assert figure.rows[-1][1] == 2


def test_an_unknown_figure_or_section_is_refused(world, tutor):
    b = written(tutor, class_scope(world["gz"]))
    with pytest.raises(ValidationError) as exc:
        services.figure_insert(actor=tutor, briefing=b, key="nothing.here")
    assert "figure" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.figure_insert(actor=tutor, briefing=b, key="learning.study", section_key="nope")
    assert "section" in exc.value.message_dict


def test_a_draft_can_be_deleted_a_published_one_not(world, tutor):
    draft = written(tutor, class_scope(world["gz"]))
    services.briefing_delete(actor=tutor, briefing=draft)
    assert not Briefing.objects.filter(pk=draft.pk).exists()
    issued = published(tutor, class_scope(world["gz"]))
    with pytest.raises(ValidationError):
        services.briefing_delete(actor=tutor, briefing=issued)


def _credit(world, learner, seconds):
    """Credited study as the ledger holds it (the daily totals are the database's to keep from it)."""
    import datetime as dt

    from django.utils import timezone

    from teachnet.learning.models import CreditInterval, StudySession

    resource = _a_resource(world)
    now = timezone.now()
    session = StudySession.objects.create(
        learner=learner, project=world["pe"].project, course=resource.course, resource=resource,
        token_hash="t" * 64, started_at=now - dt.timedelta(seconds=seconds), last_beat_at=now, ended_at=now,
        day=timezone.localdate(),
    )  # fmt: skip
    CreditInterval.objects.create(
        learner=learner, project=world["pe"].project, resource=resource, session=session, day=session.day,
        started_at=session.started_at, ended_at=now, seconds=seconds, reason="credited",
    )  # fmt: skip


def _a_resource(world):
    from teachnet.courses.models import Course, Module, Resource

    course = Course.objects.create(provider_subject=world["pe"], title="初中体育课程")
    module = Module.objects.create(course=course, title="模块一", position=1)
    return Resource.objects.create(
        course=course, module=module, kind="article", title="导读", credit_minutes=60
    )
