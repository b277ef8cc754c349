from django.contrib import admin

from .models import ReportingWindow, Submission, SubmissionEvent, UploadAttempt


@admin.register(ReportingWindow)
class ReportingWindowAdmin(admin.ModelAdmin):
    list_display = ["project", "kind", "opens_at", "closes_at"]
    list_filter = ["kind"]


class EventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "action", "from_state", "to_state", "reason", "data"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-mostly: the workflow's transitions go through the pages and the API, where they are recorded."""

    list_display = ["__str__", "project", "state", "row_count", "uploaded_at"]
    list_filter = ["kind", "state"]
    search_fields = ["region__name", "region__code"]
    readonly_fields = [
        "project", "kind", "region", "subject", "state", "row_count", "source_name", "uploaded_by",
        "uploaded_at", "reason", "reopened_until", "version",
    ]  # fmt: skip
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(UploadAttempt)
class UploadAttemptAdmin(admin.ModelAdmin):
    list_display = ["created_at", "submission", "source_name", "status", "rows", "error_count"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in UploadAttempt._meta.fields]
