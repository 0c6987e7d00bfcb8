from django.conf import settings
from django.contrib.auth import forms as auth_forms


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入（区分大小写）。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    @property
    def lockout_hint(self) -> str:
        minutes = round(settings.AXES_COOLOFF_TIME * 60)
        return f"连续输错 {settings.AXES_FAILURE_LIMIT} 次密码，账号将锁定 {minutes} 分钟。"


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, whose labels and messages are already in Chinese under zh-hans; the complexity rules
    are the AUTH_PASSWORD_VALIDATORS, shown as help text."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"
