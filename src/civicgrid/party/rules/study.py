"""Study sessions (学习教育) a member records: what a session may claim."""

from datetime import date
from decimal import Decimal

from .violations import RuleViolation, cn_date


def check_study_session(
    *, course_hours: Decimal, hours: Decimal, studied_on: date, today: date, quiz_score: int | None
) -> None:
    """A session counts at most the course's hours, is not dated in the future, and a quiz is scored 0-100."""
    if hours <= 0 or hours > course_hours:
        raise RuleViolation("study_hours", "学时按课程计", f"本课程 {course_hours} 学时，录入 {hours} 学时。")
    if studied_on > today:
        raise RuleViolation("study_future", "如实登记学习", f"学习日期 {cn_date(studied_on)} 还没到。")
    if quiz_score is not None and not 0 <= quiz_score <= 100:
        raise RuleViolation("study_quiz", "测验百分制", f"测验成绩 {quiz_score} 不在 0–100 之间。")
