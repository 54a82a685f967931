"""A command group that imports a command's module only when that command runs.

Importing every command module up front loads FastAPI, SQLAlchemy, Alembic and the rest before
`karvan --help` can print a line (about 1.3 s). The group instead knows each command from one line of
a table: its name, where it lives, and its one-line help, which `karvan --help` lists as it is
(`tests/cli/test_startup.py` checks that each line's help is the command's own).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import _click as click  # the Click that Typer vendors and its groups are built on
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """`karvan NAME`, found at `target` ("package.module:attribute", a function or a Typer app)."""

    name: str
    target: str
    help: str

    def load(self) -> click.Command:
        """Import the module and build the command from its function or Typer app."""
        module_name, _, attribute = self.target.partition(":")
        found = getattr(importlib.import_module(module_name), attribute)
        if isinstance(found, typer.Typer):
            return typer.main.get_group(found)
        single = typer.Typer(add_completion=False)
        single.command(self.name)(found)
        return typer.main.get_command(single)

    def listed(self) -> click.Command:
        """A stand-in carrying only the name and help, for the command list of `karvan --help`."""
        return TyperCommand(self.name, help=self.help)


class LazyGroup(TyperGroup):
    """A Typer group whose subcommands come from `table`, each imported when it is resolved to run
    (or to show its own help, or to complete its options)."""

    table: ClassVar[tuple[LazyCommand, ...]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        # Commands registered on the Typer app the usual way still work; they are imported up front.
        self.commands = {**{entry.name: entry.listed() for entry in self.table}, **self.commands}

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        entry = next((entry for entry in self.table if entry.name == name), None)
        return name, entry.load() if entry else command, rest
