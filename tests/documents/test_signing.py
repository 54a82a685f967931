"""Signatures: the issuer's key verifies the note it signed, and any change to the note breaks it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from karvan.documents.signing import canonical_json, new_key_pair, sha256_hex, sign, verify

KEY = new_key_pair()
DOC = {"note_number": "cn_1", "consignor": {"name": "Xi'an Electronics", "country_id": "CN"},
       "items": [{"hs_code": "847130", "gross_weight_kg": 16100.0}], "label": "Отправитель"}


def test_a_signature_verifies_with_the_issuers_public_key() -> None:
    assert verify(DOC, sign(DOC, KEY.private_pem), KEY.public_b64)


def test_another_key_does_not_verify_it() -> None:
    other = new_key_pair()
    assert not verify(DOC, sign(DOC, KEY.private_pem), other.public_b64)


def test_canonical_json_ignores_key_order() -> None:
    shuffled = dict(reversed(list(DOC.items())))
    assert canonical_json(shuffled) == canonical_json(DOC)
    assert sha256_hex(shuffled) == sha256_hex(DOC)


@settings(max_examples=50)
@given(st.sampled_from(["note_number", "label"]), st.text(min_size=1, max_size=20))
def test_any_tampering_is_detected(field: str, value: str) -> None:
    signature = sign(DOC, KEY.private_pem)
    tampered = {**DOC, field: DOC[field] + value}
    assert not verify(tampered, signature, KEY.public_b64)


def test_a_garbled_signature_is_rejected_not_raised() -> None:
    assert not verify(DOC, "bm90IGEgc2lnbmF0dXJl", KEY.public_b64)
