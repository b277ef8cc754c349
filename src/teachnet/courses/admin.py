"""Courses in Django admin: to look things up. Courses are built and reviewed on their pages, where the
rules (content checks, hours, review states) apply, so the admin screens are read-only."""

from django.contrib import admin

from .models import Course, CourseVersion, Resource, ReviewComment


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["title", "provider_subject", "status", "version", "approved_version"]
    list_filter = ["status"]
    search_fields = ["title", "provider_subject__provider__name"]


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ["title", "course", "kind", "credit_minutes", "duration_seconds", "size"]
    list_filter = ["kind"]
    search_fields = ["title", "file_name", "sha256"]


@admin.register(CourseVersion)
class CourseVersionAdmin(ReadOnlyAdmin):
    list_display = ["course", "number", "total_minutes", "video_minutes", "submitted_at", "decision"]
    list_filter = ["decision"]


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ["course", "version", "resource_title", "author", "by_reviewer", "created_at"]
    list_filter = ["by_reviewer"]
