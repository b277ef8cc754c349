from django.contrib import admin

from .models import Assignment, GradingEvent, Rubric, SimilarityPair, SpotCheck, Submission, SubmissionVersion


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["title", "provider_subject", "updated_at"]
    raw_id_fields = ["provider_subject", "created_by"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "provider_subject", "training_class", "deadline", "late_policy"]
    list_filter = ["late_policy"]
    search_fields = ["title"]
    raw_id_fields = [
        "project",
        "subject",
        "provider_subject",
        "training_class",
        "rubric_source",
        "created_by",
    ]


class VersionInline(admin.TabularInline):
    model = SubmissionVersion
    extra = 0
    can_delete = False
    readonly_fields = ["revision", "submitted_at", "late", "score", "returned_at", "return_reason"]
    exclude = ["body", "attachments", "levels", "comment", "graded_by"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["assignment", "learner", "training_class", "state", "score", "late", "recommended"]
    list_filter = ["state", "late", "recommended"]
    raw_id_fields = ["assignment", "learner", "training_class", "graded_by"]
    exclude = ["signature"]
    inlines = [VersionInline]


@admin.register(GradingEvent)
class GradingEventAdmin(admin.ModelAdmin):
    """Read only: grading events are the record, added to and never changed."""

    list_display = ["created_at", "submission", "kind", "actor"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SpotCheck)
class SpotCheckAdmin(admin.ModelAdmin):
    list_display = ["assignment", "submission", "tutor", "expert", "score", "tutor_score", "scored_at"]
    raw_id_fields = ["assignment", "submission", "tutor", "expert"]


@admin.register(SimilarityPair)
class SimilarityPairAdmin(admin.ModelAdmin):
    list_display = ["assignment", "first", "second", "score", "found_at"]
    raw_id_fields = ["assignment", "first", "second"]
