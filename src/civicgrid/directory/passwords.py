"""Password complexity beyond Django's validators: several character classes, as government systems ask."""

import string

from django.core.exceptions import ValidationError

CHARACTER_CLASSES = {
    "大写字母": set(string.ascii_uppercase),
    "小写字母": set(string.ascii_lowercase),
    "数字": set(string.digits),
    "特殊符号": set(string.punctuation),
}


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = [name for name, chars in CHARACTER_CLASSES.items() if chars.intersection(password)]
        if len(present) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、特殊符号中的至少 {self.min_classes} 类。"
