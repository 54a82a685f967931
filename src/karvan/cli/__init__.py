"""Typer commands: thin, translating arguments to core calls and core errors to one-line messages."""
