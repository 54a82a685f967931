"""Hashing and signing a document: SHA-256 of its canonical JSON, signed with Ed25519.

Canonical JSON here is the document's JSON form with keys sorted, no insignificant whitespace and UTF-8
text (the RFC 8785 layout for the values these documents hold: strings, integers, decimals written by
Python's shortest repr). Anyone holding the issuer's public key verifies a note with `verify` alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel


def canonical_json(document: BaseModel | dict[str, Any]) -> bytes:
    data = document.model_dump(mode="json") if isinstance(document, BaseModel) else document
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(document: BaseModel | dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


@dataclass(frozen=True)
class KeyPair:
    """An organisation's signing key: the private key as PKCS#8 PEM, the public key as raw base64."""

    private_pem: bytes
    public_b64: str

    @property
    def key_id(self) -> str:
        return key_id(self.public_b64)


def new_key_pair() -> KeyPair:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KeyPair(private_pem=pem, public_b64=base64.b64encode(raw).decode())


def key_id(public_b64: str) -> str:
    """The first 16 hex digits of the public key's SHA-256: names the key on a signed document."""
    return hashlib.sha256(base64.b64decode(public_b64)).hexdigest()[:16]


def sign(document: BaseModel | dict[str, Any], private_pem: bytes) -> str:
    """The base64 Ed25519 signature of the document's SHA-256 digest (hex text, as shown on the note)."""
    private = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise TypeError("the signing key is not an Ed25519 key")
    return base64.b64encode(private.sign(sha256_hex(document).encode())).decode()


def verify(document: BaseModel | dict[str, Any], signature_b64: str, public_b64: str) -> bool:
    """True if the signature is the key holder's over exactly this document."""
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
    try:
        public.verify(base64.b64decode(signature_b64), sha256_hex(document).encode())
    except (InvalidSignature, ValueError):
        return False
    return True
