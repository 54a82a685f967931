"""API key tokens and scopes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from karvan.store.models import OrgKind, Scope
from karvan.tenancy.keys import new_token, token_matches, token_prefix, token_sha256
from karvan.tenancy.principal import Principal


def test_new_tokens_are_unique_and_parse_back() -> None:
    tokens = [new_token() for _ in range(200)]
    assert len({t.token for t in tokens}) == len({t.prefix for t in tokens}) == 200
    for t in tokens:
        assert token_prefix(t.token) == t.prefix
        assert token_matches(t.token, t.sha256)
        assert t.sha256 == token_sha256(t.token) and t.token not in t.sha256


@given(st.text(max_size=80))
def test_arbitrary_text_is_never_a_token_of_another_key(text: str) -> None:
    key = new_token()
    assert text == key.token or not token_matches(text, key.sha256)
    prefix = token_prefix(text)
    assert prefix is None or (len(prefix) == 8 and text.startswith(f"kv_{prefix}_"))


def test_scopes_include_the_lower_ones() -> None:
    assert Scope.READ.granted == {Scope.READ}
    assert Scope.WRITE.granted == {Scope.READ, Scope.WRITE}
    assert Scope.ADMIN.granted == set(Scope)


def test_operator_kinds() -> None:
    assert {k for k in OrgKind if k.is_operator} == {OrgKind.RAILWAY, OrgKind.PORT, OrgKind.FERRY_LINE}


def test_principal_manages_only_its_operators() -> None:
    p = Principal(
        org_id="org_a",
        org_kind=OrgKind.RAILWAY,
        scopes=Scope.WRITE.granted,
        operator_codes=frozenset({"KTZ"}),
    )
    assert p.manages_operator("KTZ") and not p.manages_operator("ADY")
    assert p.has_scope("read") and not p.has_scope("admin")
