from datetime import date


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class RuleViolation(Exception):
    """A step refused by a named rule. `message` is for the person at the screen and names the dates."""

    def __init__(self, code: str, rule: str, message: str):
        super().__init__(f"{rule}：{message}")
        self.code = code
        self.rule = rule
        self.message = message

    def __str__(self) -> str:
        return f"不符合「{self.rule}」：{self.message}"
