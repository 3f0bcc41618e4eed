"""The one error type a user ever sees for bad input.

Every loader raises :class:`InputError` naming the file, the place in it (a field path or a
row and column) and what was expected. The CLI turns it into a message and exit code 2.
"""

from __future__ import annotations

from collections.abc import Callable


class InputError(Exception):
    """A problem with user input: which file, where in it, and what was expected.

    Args:
        source: The file (or other input) at fault, as the user named it.
        problems: One or more ``(location, message)`` pairs; ``location`` is a field path such as
            ``blueprint.components[2].weight`` or ``row 5, column k.architecture`` (may be empty).
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    @classmethod
    def single(cls, source: str, location: str, message: str) -> InputError:
        """Build an error with one problem."""
        return cls(source, [(location, message)])

    def render(self, show: Callable[[str], str] = str) -> str:
        """Human-readable text: one line per problem, each naming the file and place.

        Args:
            show: Applied to the source, each location and each message (the CLI passes its
                terminal-safe escaping, so a newline in a file name cannot split a line).
        """
        lines = []
        for location, message in self.problems:
            where = f"{show(self.source)}: {show(location)}" if location else show(self.source)
            lines.append(f"{where}: {show(message)}")
        return "\n".join(lines)
