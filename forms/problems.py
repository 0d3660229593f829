"""Problems found in a questionnaire definition: every one has a place and a stable code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a definition file.

    ``code`` is stable (tests and people search for it); ``message`` is Polish prose.
    """

    file: str
    line: int
    code: str
    message: str
    question_id: str | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        if self.column:
            where += f":{self.column}"
        subject = f" [{self.question_id}]" if self.question_id else ""
        return f"{where}{subject} {self.code}: {self.message}"


class DefinitionError(Exception):
    """Raised when definitions cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
