from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from teachnet.orgs.models import Organization, Region
from teachnet.training.models import Project

from .permissions import assignable_roles, regions_in_scope, visible
from .roles import Perm, Role


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("用户名/手机号或密码不正确。连续多次错误后账号将被暂时锁定。"),
        "inactive": _("该账号已停用。"),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.activated_at is None and not user.is_superuser:
            raise forms.ValidationError(_("该账号尚未激活，请先用激活码激活。"), code="not_activated")


class ActivationStartForm(forms.Form):
    code = forms.CharField(
        label=_("激活码"),
        max_length=40,
        help_text=_("管理员发给您的 16 位激活码，如 ABCD-EFGH-JKMN-PQRS"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("登记时填写的手机号码，验证码将发送到此号码"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("设置密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class ActivationCompleteForm(PasswordPairMixin):
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
    field_order = ["sms_code", "password1", "password2"]


class ResetStartForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}),
    )


class ResetCompleteForm(ActivationCompleteForm):
    pass


class CodesExportForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("地区"),
        queryset=Region.objects.none(),
        help_text=_("导出该地市或区县内全部未激活账号的新激活码；旧激活码随即失效。"),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda r: f"{'　' * (r.level - 2)}{r.name}（{r.code}）"


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名、用户名或手机号"), required=False)
    region = forms.CharField(label=_("地区代码"), required=False, max_length=6)


class PersonForm(forms.Form):
    """One account opened by an admin (a provincial lead, an expert …); it is activated with a code."""

    real_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20)
    id_card = forms.CharField(label=_("身份证号"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    organization = forms.ModelChoiceField(label=_("工作单位"), queryset=Organization.objects.none())
    region = forms.ModelChoiceField(label=_("所在区县"), queryset=Region.objects.none(), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = visible(
            actor=actor, model=Organization, perm=Perm.ACCOUNT_ISSUE
        ).select_related("region")
        self.fields["region"].queryset = regions_in_scope(actor=actor, perm=Perm.ACCOUNT_ISSUE).filter(
            level=Region.Level.COUNTY
        )
        self.fields["region"].label_from_instance = lambda r: f"{r.name}（{r.code}）"


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"))
    region = forms.CharField(
        label=_("地区代码"),
        max_length=6,
        required=False,
        help_text=_("6 位行政区划代码，如 440106；与机构二选一"),
    )
    organization = forms.ModelChoiceField(
        label=_("机构"), queryset=Organization.objects.none(), required=False
    )
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        grantable = assignable_roles(actor=actor)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in grantable]
        self.fields["organization"].queryset = visible(actor=actor, model=Organization, perm=Perm.ORG_VIEW)
        self.fields["project"].queryset = visible(actor=actor, model=Project, perm=Perm.PROJECT_VIEW)

    def clean_region(self):
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("没有这个行政区划代码：%(code)s") % {"code": code})
        return region

    def clean(self):
        data = super().clean()
        if (data.get("region") is None) == (data.get("organization") is None):
            raise forms.ValidationError(_("请填写地区代码或选择机构，二者选一。"))
        return data

    def scope(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "region": data["region"],
            "organization": data["organization"],
            "project": data["project"],
        }
