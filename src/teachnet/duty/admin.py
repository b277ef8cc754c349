from django.contrib import admin

from .models import DutyShift, Question, QuestionEvent


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["day", "provider", "expert", "project"]
    list_filter = ["project", "provider"]
    date_hierarchy = "day"
    raw_id_fields = ["expert", "assigned_by"]


class QuestionEventInline(admin.TabularInline):
    model = QuestionEvent
    extra = 0
    readonly_fields = ["kind", "actor", "note", "created_at"]
    can_delete = False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["title", "provider_subject", "state", "forwarded_at", "claimed_by", "answered_at"]
    list_filter = ["state", "project"]
    search_fields = ["title"]
    raw_id_fields = ["asker", "forwarded_by", "claimed_by", "answered_by", "provider_subject"]
    inlines = [QuestionEventInline]
