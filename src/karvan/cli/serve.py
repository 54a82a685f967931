"""`karvan serve`: run the HTTP API (and the web pages) with uvicorn."""

from __future__ import annotations

import os

import typer
import uvicorn

from karvan.api.middleware import JSON_LOGS_ENV, configure_json_logging
from karvan.cli.common import console, one_line_errors
from karvan.store.db import DATABASE_URL_ENV, default_database_url
from karvan.store.migrate import upgrade

GRACEFUL_SHUTDOWN_S = 10
"""How long a stopping server lets requests in progress finish (a 5,000-event batch takes about 1 s)."""


@one_line_errors
def serve_command(host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
                  port: int = typer.Option(8000, "--port", min=1, max=65535),
                  workers: int = typer.Option(1, "--workers", min=1, help="worker processes"),
                  migrate: bool = typer.Option(True, "--migrate/--no-migrate",
                                               help="apply pending migrations first")) -> None:
    """Serve the API: OpenAPI at /openapi.json, docs at /docs, JSON access logs on stderr."""
    url = default_database_url()
    if migrate:
        upgrade(url)
    # Workers are fresh processes that build the app themselves (factory): pass them the resolved
    # database and ask them for JSON logs too.
    os.environ[DATABASE_URL_ENV] = url
    os.environ[JSON_LOGS_ENV] = "1"
    configure_json_logging()
    console.print(f"Karvan API on http://{host}:{port} (docs at /docs)", markup=False)
    # A worker importing every capability on a busy machine can take longer than uvicorn's default
    # 5 s health check, which would restart it in a loop. Uvicorn waits for open responses before it
    # stops, without limit by default, and an event stream never ends by itself: cap the wait.
    uvicorn.run("karvan.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                access_log=False, log_config=None, timeout_worker_healthcheck=60,
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)
