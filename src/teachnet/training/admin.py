from django.contrib import admin

from .models import Enrollment, ExpertTeamMember, Phase, Project, ProviderSubject, Quota, Subject
from .models_classes import Adjustment, ClassMove, TrainingClass
from .models_sessions import TrainerSession


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "target_headcount", "office"]
    filter_horizontal = ["provinces", "providers"]
    raw_id_fields = ["office"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["label", "project"]
    list_filter = ["project", "stage"]


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["region", "subject", "places", "project"]
    list_filter = ["project", "subject"]
    search_fields = ["region__name", "region__code"]
    raw_id_fields = ["region"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "subject", "role", "region"]
    list_filter = ["project", "role", "subject"]
    raw_id_fields = ["user", "region"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["project", "kind", "starts_on", "ends_on"]
    list_filter = ["project", "kind"]


class ExpertTeamMemberInline(admin.TabularInline):
    model = ExpertTeamMember
    raw_id_fields = ["user"]
    extra = 0


@admin.register(ProviderSubject)
class ProviderSubjectAdmin(admin.ModelAdmin):
    list_display = ["provider", "subject", "project", "submitted_at"]
    list_filter = ["project", "provider"]
    raw_id_fields = ["provider"]
    inlines = [ExpertTeamMemberInline]


@admin.register(TrainingClass)
class TrainingClassAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "subject", "province", "tutor", "capacity"]
    list_filter = ["project", "subject"]
    search_fields = ["name"]
    raw_id_fields = ["tutor", "province"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """History rows: written by the services, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ClassMove)
class ClassMoveAdmin(ReadOnlyAdmin):
    list_display = ["membership", "from_class", "to_class", "actor", "reason"]


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["project", "kind", "old_enrollment", "new_enrollment", "actor", "reason"]
    list_filter = ["kind"]


@admin.register(TrainerSession)
class TrainerSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "provider_subject", "kind", "starts_at", "ends_at", "hours"]
    list_filter = ["kind"]
