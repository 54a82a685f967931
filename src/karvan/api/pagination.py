"""The API side of keyset pagination: query parameters and the page envelope.

    @router.get("/things", response_model=PageOut[ThingOut])
    def list_things(page: PageParams = Depends()) -> PageOut[ThingOut]:
        result = core.list_things(session, principal, cursor=page.cursor, limit=page.limit)
        return PageOut.of(result, ThingOut.from_row)

Responses look like `{"items": [...], "next_cursor": "eyJ..." | null}`; pass `next_cursor` back as
`?cursor=` for the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from karvan.store.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

Row = TypeVar("Row")
Item = TypeVar("Item", bound=BaseModel)


class PageParams:
    def __init__(self, cursor: str | None = Query(None, description="next_cursor of the previous page"),
                 limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items per page")) -> None:
        self.cursor = cursor
        self.limit = limit


class PageOut(BaseModel, Generic[Item]):
    items: list[Item]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Row], convert: Callable[[Row], Item]) -> PageOut[Item]:
        return cls(items=[convert(row) for row in page.items], next_cursor=page.next_cursor)
