"""`Principal`: the authenticated caller, as every capability's core sees it."""

from __future__ import annotations

from dataclasses import dataclass, field

from karvan.errors import NotFoundError, PermissionDeniedError
from karvan.store.models import OrgKind, Scope


@dataclass(frozen=True)
class Principal:
    """The organisation behind an API key, the network operators it manages, and the key's scopes.

    `actor` names who acted in the audit log (an API key id, or `cli` for the admin commands).
    """

    org_id: str
    org_kind: OrgKind
    scopes: frozenset[Scope]
    operator_codes: frozenset[str] = field(default_factory=frozenset)
    actor: str = "cli"

    @property
    def is_corridor_admin(self) -> bool:
        return self.org_kind is OrgKind.CORRIDOR_ADMIN

    def has_scope(self, scope: Scope | str) -> bool:
        return Scope(scope) in self.scopes

    def require_scope(self, scope: Scope | str) -> None:
        if not self.has_scope(scope):
            raise PermissionDeniedError(f"this API key lacks the {Scope(scope).value!r} scope; "
                                        "ask an administrator of your organisation for a key with it")

    def require_own(self, org_id: str, what: str = "record") -> None:
        """Records of other organisations are reported as missing, so their existence does not leak."""
        if org_id != self.org_id:
            raise NotFoundError(f"no such {what}")

    def manages_operator(self, operator_code: str) -> bool:
        return operator_code in self.operator_codes

    @classmethod
    def system(cls) -> Principal:
        """The operator of the installation at the command line: every right, no organisation."""
        return cls(org_id="", org_kind=OrgKind.CORRIDOR_ADMIN, scopes=Scope.ADMIN.granted, actor="cli")
