from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from teachnet.core.identity import validate_id_card, validate_mobile

from .models import RoleAssignment, SmsMessage, User


class UserChangeForm(forms.ModelForm):
    """Phone and ID-card numbers are typed in plain and stored only protected (encrypted, hashed, masked)."""

    new_phone = forms.CharField(label=_("新手机号码"), required=False, help_text=_("留空则不修改"))
    new_id_card = forms.CharField(label=_("新身份证号"), required=False, help_text=_("留空则不修改"))

    class Meta:
        model = User
        fields = "__all__"  # noqa: DJ007 (the admin fieldsets choose what is shown)

    def clean_new_phone(self):
        value = self.cleaned_data["new_phone"]
        return validate_mobile(value) if value else ""

    def clean_new_id_card(self):
        value = self.cleaned_data["new_id_card"]
        return validate_id_card(value) if value else ""

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("new_phone"):
            user.set_phone(self.cleaned_data["new_phone"])
        if self.cleaned_data.get("new_id_card"):
            user.set_id_card(self.cleaned_data["new_id_card"])
        if commit:
            user.save()
        return user


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    raw_id_fields = ["region", "organization", "project", "granted_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    list_display = ["username", "real_name", "phone_masked", "id_card_masked", "organization", "activated_at"]
    search_fields = ["username", "real_name", "email"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    readonly_fields = ["phone_masked", "id_card_masked", "activated_at", "last_login", "date_joined"]
    raw_id_fields = ["organization", "region"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("个人信息"),
            {
                "fields": (
                    "real_name",
                    "gender",
                    "email",
                    "phone_masked",
                    "new_phone",
                    "id_card_masked",
                    "new_id_card",
                    "organization",
                    "region",
                )
            },
        ),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("时间"), {"fields": ("last_login", "date_joined", "activated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "real_name", "password1", "password2")}),
    )
    ordering = ["id"]


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "phone_masked", "body", "sender", "ok"]
    search_fields = ["phone_masked"]

    def has_change_permission(self, request, obj=None):
        return False
