from django.contrib import admin

from .models import Organization, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "region", "parent", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name", "short_name", "region__name"]
    raw_id_fields = ["region", "parent"]
