"""`karvan admin`: bootstrap organisations and keys on a brand-new installation."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from karvan.cli.admin import parse_expiry
from karvan.cli.main import app
from karvan.errors import InputError
from karvan.store.db import Database, utc_now
from karvan.tenancy.auth import authenticate
from karvan.tenancy.orgs import NotAuthenticatedError

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_bootstrap_an_operator_and_its_key(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARVAN_DATABASE_URL", database_url)
    code, out, _ = _run("admin", "create-org", "KTZ Express", "--kind", "railway", "--operator", "ktz")
    assert code == 0
    org_id = out.split("\t")[0]
    assert org_id.startswith("org_") and "KTZ" in out
    code, out, err = _run("admin", "create-key", "KTZ Express", "--scope", "write", "--expires", "30d")
    assert code == 0
    token = out.strip()
    assert "not shown again" in err and token not in err
    db = Database(database_url)
    try:
        with db.session() as session:
            principal = authenticate(session, token)
        assert (principal.org_id, principal.operator_codes) == (org_id, frozenset({"KTZ"}))
        assert principal.has_scope("write") and not principal.has_scope("admin")
    finally:
        db.dispose()
    code, out, _ = _run("admin", "list-orgs")
    assert code == 0 and org_id in out


def test_first_run_creates_the_sqlite_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARVAN_DATA_DIR", str(tmp_path / "fresh"))
    code, _, _ = _run("admin", "create-org", "Corridor Secretariat", "--kind", "corridor_admin")
    assert code == 0
    assert (tmp_path / "fresh" / "karvan.db").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create-org", "X", "--kind", "pirate"), "kind"),
        (("create-org", "X", "--kind", "shipper", "--operator", "KTZ"), "operators"),
        (("create-org", "X", "--kind", "railway", "--operator", "NOPE"), "NOPE"),
        (("create-key", "nobody", "--scope", "read"), "nobody"),
        (("create-key", "Seed", "--scope", "root"), "scope"),
        (("create-key", "Seed", "--expires", "soon"), "--expires"),
        (("revoke-key", "Seed", "key_nope"), "API key"),
    ],
)
def test_mistakes_are_one_line_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    monkeypatch.setenv("KARVAN_DATA_DIR", str(tmp_path))
    assert _run("admin", "create-org", "Seed", "--kind", "shipper")[0] == 0
    code, out, err = _run("admin", *args)
    assert code != 0
    assert message in err and len(err.strip().splitlines()) == 1
    assert "kv_" not in out


def test_revoked_key_no_longer_authenticates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARVAN_DATA_DIR", str(tmp_path))
    _run("admin", "create-org", "Seed", "--kind", "shipper")
    token = _run("admin", "create-key", "Seed")[1].strip()
    db = Database()
    try:
        with db.session() as session:
            key_id = authenticate(session, token).actor
        assert _run("admin", "revoke-key", "Seed", key_id)[0] == 0
        with db.session() as session, pytest.raises(NotAuthenticatedError):
            authenticate(session, token)
    finally:
        db.dispose()


def test_expiry_forms() -> None:
    assert abs((parse_expiry("90d") - utc_now()).days - 90) <= 1
    assert parse_expiry("2030-01-01T00:00:00+05:00").utcoffset() is not None
    with pytest.raises(InputError):
        parse_expiry("2030-01-01T00:00:00")
