from django.contrib import admin

from .models import AuditEvent, TaskProgress


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: an audit trail that can be edited is no audit trail."""

    list_display = ["created_at", "actor", "verb", "target_type", "target_id", "ip_address"]
    list_filter = ["verb"]
    search_fields = ["verb", "target_id", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaskProgress)
class TaskProgressAdmin(admin.ModelAdmin):
    list_display = ["created_at", "owner", "kind", "title", "state", "done", "total"]
    list_filter = ["kind", "state"]
