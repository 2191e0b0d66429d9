"""The error hierarchy: every failure a user can cause is a PraevError with a German message.

Pages catch :class:`PraevError` and show its message; the CLI prints it and exits
non-zero. Data errors carry the file, row, column and a fix, and can hold many
problems at once so that an import reports everything in one go.
"""

from __future__ import annotations

from dataclasses import dataclass


class PraevError(Exception):
    """Base class of all expected errors; ``str(err)`` is a German message for users."""


@dataclass(frozen=True)
class Problem:
    """One problem found in input data: where it is, what is wrong, how to fix it."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    problem: str
    fix: str

    def as_text(self) -> str:
        """The problem as one German sentence."""
        where = [self.file]
        if self.row is not None:
            where.append(f"Zeile {self.row}")
        if self.column:
            where.append(f"Spalte „{self.column}“")
        value = f" (Wert: „{self.value}“)" if self.value not in (None, "") else ""
        return f"{', '.join(where)}: {self.problem}{value}. {self.fix}"


class DataError(PraevError):
    """Input data were rejected; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem] | Problem, warnings: list[Problem] | None = None):
        self.problems = problems if isinstance(problems, list) else [problems]
        self.warnings = warnings or []
        lines = [p.as_text() for p in self.problems[:20]]
        more = len(self.problems) - len(lines)
        if more > 0:
            lines.append(f"… und {more} weitere Probleme.")
        head = (
            "Die Daten wurden nicht übernommen, es wurde nichts geändert. "
            f"{len(self.problems)} Problem(e):"
        )
        super().__init__("\n".join([head, *lines]))


class NotFoundError(PraevError):
    """Something the user asked for does not exist (an area, an indicator, a quarter)."""


class ConflictError(PraevError):
    """Someone else changed the same record meanwhile (optimistic locking)."""

    def __init__(self, message: str, current: dict | None = None):
        self.current = current
        super().__init__(message)


class PermissionDeniedError(PraevError):
    """The user's role does not allow this action."""


class ConfigError(PraevError):
    """A setting is missing or invalid."""
