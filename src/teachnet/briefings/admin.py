"""Briefings in Django admin: the templates are edited here (they are data: the project office may change a
template's sections or add one); briefings are written and published on their pages, so they are read-only."""

from django.contrib import admin

from .models import Briefing, BriefingFigure, BriefingSection, BriefingTemplate


@admin.register(BriefingTemplate)
class BriefingTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active", "position"]
    list_filter = ["kind", "active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SectionInline(admin.TabularInline):
    model = BriefingSection
    fields = ["position", "title", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Briefing)
class BriefingAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "project", "number", "state", "author", "published_at"]
    list_filter = ["kind", "state"]
    search_fields = ["title"]
    inlines = [SectionInline]


@admin.register(BriefingFigure)
class BriefingFigureAdmin(ReadOnlyAdmin):
    list_display = ["title", "briefing", "key", "taken_at"]
