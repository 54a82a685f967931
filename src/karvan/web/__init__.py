"""The web application: pages built from `frontend/` into `static/`, served by the API at `/`.

The built files are committed so that the Python package serves the pages without Node; rebuild them
with `npm ci && npm run build` in `frontend/` after changing the source (see docs/web.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request

STATIC_DIR = Path(__file__).parent / "static"
TILE_URL_ENV = "KARVAN_TILE_URL"
"""A tile server URL template ({z}/{x}/{y}) for the maps; unset means the bundled offline base map."""
TILE_ATTRIBUTION_ENV = "KARVAN_TILE_ATTRIBUTION"


def web_config() -> dict[str, Any]:
    """What the pages need to know about this server (read at each request, so no restart is needed)."""
    return {
        "tile_url": os.environ.get(TILE_URL_ENV) or None,
        "tile_attribution": os.environ.get(TILE_ATTRIBUTION_ENV) or None,
    }


async def _index(_: Request) -> Response:
    page = STATIC_DIR / "index.html"
    if not page.is_file():
        return PlainTextResponse(
            "The web pages are not built: run `npm ci && npm run build` in src/karvan/web/frontend.",
            status_code=503)
    return FileResponse(page, headers={"Cache-Control": "no-cache"})


async def _config(_: Request) -> Response:
    return JSONResponse(web_config())


def mount_web(app: FastAPI) -> None:
    """Serve the pages at `/` and their assets at `/assets/` without shadowing any API route.

    These are plain Starlette routes, outside the API's app-wide authentication: the pages themselves
    are public, and every request they make to the API carries the signed-in user's key.
    """
    app.mount("/assets", StaticFiles(directory=STATIC_DIR / "assets", check_dir=False), name="web-assets")
    app.add_route("/", _index, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_route("/web-config.json", _config, methods=["GET"], include_in_schema=False)
