from django.contrib import admin

from .models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "target_headcount", "office"]
    filter_horizontal = ["provinces", "providers"]
    raw_id_fields = ["office"]
