from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from teachnet.orgs.models import Region


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
