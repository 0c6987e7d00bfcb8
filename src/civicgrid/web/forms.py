from django.contrib.auth import forms as auth_forms


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, whose labels and messages are already in Chinese under zh-hans."""
