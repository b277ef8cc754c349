"""Whether a learner may study a resource now (the player, the session start): one rule for both."""

from teachnet.courses.models import Course
from teachnet.courses.selectors import learner_may_study, snapshot_resource, subject_opening

from .models import SelfPick


def studyable(*, learner, course: Course, resource_id: int) -> dict | None:
    """The snapshot entry of a resource the learner may study now, or None: in the approved version of a
    course of their subject, or picked from the catalog (LRN-4), and the training open."""
    if course.approved_version_id is None:
        return None
    entry = snapshot_resource(version=course.approved_version, resource_id=resource_id)
    if entry is None:
        return None
    if learner_may_study(user=learner, course=course):
        return entry
    picked = SelfPick.objects.filter(learner=learner, resource_id=resource_id).exists()
    if picked and subject_opening(subject=course.provider_subject.subject, course=course).open:
        return entry
    return None
