"""The README's `$ karvan ...` examples run as shown: same exit code, and their first line of output.

Examples are the indented lines starting with `$ karvan`; the lines after one, up to the next blank
line or `$`, are its output. A trailing `# exit code N` says the example is meant to fail with N.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from karvan.cli.common import console, err_console
from karvan.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
_BOX = re.compile(r"[┏┃┡│└━┳╇┩┴─]")


@dataclass(frozen=True)
class Example:
    command: str
    exit_code: int
    first_output: str | None


def _examples() -> list[Example]:
    examples: list[Example] = []
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.startswith("$ karvan "):
            continue
        command, _, comment = stripped[2:].partition("  #")
        code = re.search(r"exit code (\d+)", comment)
        output = None
        for following in lines[index + 1:]:
            text = following.strip()
            if not text or text.startswith("$"):
                break
            if not _BOX.search(text) and not text.startswith("("):
                output = text
                break
        examples.append(Example(command.strip(), int(code.group(1)) if code else 0, output))
    return examples


def _words(text: str) -> str:
    return " ".join(text.split())


EXAMPLES = _examples()


def test_the_readme_has_examples_to_run() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.slow
def test_readme_examples_run_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARVAN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("KARVAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("KARVAN_NETWORK", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    monkeypatch.setattr(console, "_width", 200)
    monkeypatch.setattr(err_console, "_width", 200)
    runner = CliRunner()
    for example in EXAMPLES:
        result = runner.invoke(app, shlex.split(example.command)[1:])
        shown = _words(result.output + (result.stderr if result.stderr_bytes is not None else ""))
        assert result.exit_code == example.exit_code, f"{example.command}: {shown}"
        if example.first_output:
            assert _words(example.first_output) in shown, f"{example.command}: {shown[:400]}"
