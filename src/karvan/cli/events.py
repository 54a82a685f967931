"""`karvan events import FILE`: load tracking events from a DCSA, EPCIS, Karvan JSON or CSV file.

On the server's own machine the command acts as the local administrator: it writes straight to the
database (`$KARVAN_DATABASE_URL`, else the SQLite file in the data directory). Large files are checked
in worker processes, one per core (`karvan.tracking.bulk`).
"""

from __future__ import annotations

import gc
from pathlib import Path

import typer

from karvan.cli.common import console, one_line_errors
from karvan.cli.database import open_database
from karvan.errors import InputError
from karvan.tenancy.principal import Principal
from karvan.tracking import bulk
from karvan.tracking.bulk import BulkReport, CsvFile
from karvan.tracking.formats import Document, Format, read
from karvan.tracking.ingest import IngestReport, InvalidEventsError

app = typer.Typer(help="Tracking events: import them from standard formats.", no_args_is_help=True)


@app.command("import")
@one_line_errors
def import_events(
    file: Path = typer.Argument(..., help="Event document; '-' reads standard input."),
    fmt: Format | None = typer.Option(None, "--format",
                                      help="karvan, dcsa, epcis or csv; detected if omitted."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid",
                                      help="Store the valid events and count invalid ones as rejected, "
                                           "instead of refusing the whole file."),
) -> None:
    """Import events; prints accepted, duplicates and rejected counts."""
    try:
        stream = None if str(file) == "-" else CsvFile.open_large(file, fmt)  # read as it is stored
        if stream is not None:
            document: Document | CsvFile = stream
        else:
            text = (typer.get_text_stream("stdin").read() if str(file) == "-"
                    else file.read_text(encoding="utf-8"))
            document = read(text, fmt)
    except OSError as os_error:
        raise InputError(f"cannot read {file}: {os_error.strerror}", field="FILE") from None
    db = open_database()
    # A bulk import allocates millions of short-lived, acyclic objects; the cycle collector would only
    # scan them over and over (about a sixth of the import's CPU time on a million events).
    gc.disable()
    try:
        report: IngestReport | BulkReport
        if isinstance(document, CsvFile) or bulk.applies(document, Principal.system()):
            report = bulk.import_bulk(db, document, partial=skip_invalid)
        else:
            # the ordinary path checks reporters against the network; a bulk import does not load it
            from karvan.network.loader import load_network
            from karvan.tracking import service

            report = service.import_document(db, document, Principal.system(), load_network,
                                             partial=skip_invalid)
    except InvalidEventsError as refused:  # the one line names the file as well as the event and field
        raise InvalidEventsError(refused.errors, document=file.name) from None
    finally:
        gc.enable()
        db.dispose()
    summary = report.summary()
    console.print(f"accepted {summary['accepted']}, duplicates {summary['duplicates']}, "
                  f"rejected {summary['rejected']}", markup=False, highlight=False)
    for error in report.rejected[:20]:
        console.print(f"  rejected {error}", markup=False, highlight=False)
