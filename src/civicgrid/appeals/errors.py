"""Domain errors of the appeals workflow: a stable `code` for programs and a Chinese message for people."""


class AppealError(Exception):
    """A request the domain refuses; nothing was changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.message}（{self.code}）"


class WorkflowError(AppealError):
    """An action not allowed in the appeal's state, for the actor's role or outside the actor's scope."""
