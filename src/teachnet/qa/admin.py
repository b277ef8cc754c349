from django.contrib import admin

from .models import QaAttendance, QaEvent, QaMessage, QaSession


class MessageInline(admin.TabularInline):
    model = QaMessage
    fields = ("kind", "author_name", "body", "votes", "answered_at", "moved_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(QaSession)
class QaSessionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "provider_subject",
        "starts_at",
        "ends_at",
        "ended_at",
        "archived_at",
        "cancelled_at",
    )
    list_filter = ("provider_subject__project",)
    search_fields = ("title",)
    readonly_fields = ("seq", "notified_at", "archived_at", "created_by")
    filter_horizontal = ("hosts",)
    inlines = [MessageInline]


@admin.register(QaAttendance)
class QaAttendanceAdmin(admin.ModelAdmin):
    list_display = ("session", "user", "seconds", "first_seen_at", "last_seen_at")
    readonly_fields = ("session", "user", "seconds", "first_seen_at", "last_seen_at")


@admin.register(QaEvent)
class QaEventAdmin(admin.ModelAdmin):
    list_display = ("session", "verb", "actor", "created_at")
    readonly_fields = ("session", "verb", "actor", "data", "created_at")
