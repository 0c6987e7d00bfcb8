"""django-axes (lock-out after failed logins) under a Chinese name. Its own strings are translated in this
app's locale/zh_Hans: the package ships no Chinese."""

from axes.apps import AppConfig as AxesConfig


class LoginSecurityConfig(AxesConfig):
    verbose_name = "登录安全"
