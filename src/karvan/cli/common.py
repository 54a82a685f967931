"""What every command shares: turning Karvan's errors into one line on stderr and an exit code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from karvan.errors import InputError, KarvanError, NoRouteError, NotFoundError, UnknownPlaceError

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_NO_RESULT = 1
"""The request was understood but has no answer (no route, unknown container)."""
EXIT_BAD_INPUT = 2
"""The request itself is wrong (unknown place, malformed value); Click uses 2 for usage errors too."""


def exit_code_for(error: KarvanError) -> int:
    if isinstance(error, UnknownPlaceError | InputError):
        return EXIT_BAD_INPUT
    if isinstance(error, NoRouteError | NotFoundError):
        return EXIT_NO_RESULT
    return EXIT_NO_RESULT


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print one line on stderr and return the Exit to raise."""
    err_console.print(f"error: {message}", markup=False)
    return typer.Exit(code)


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so a KarvanError ends it with one line on stderr and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except KarvanError as error:
            raise fail(str(error).replace("\n", " "), exit_code_for(error)) from None

    return wrapper
