"""`GET /analytics/...`: KPIs over the caller's bookings and tracking events (and all departures).

Each endpoint returns `{"kpi": name, "rows": [...]}` with the row shapes documented in
docs/simulation.md; the web Analyse page reads them as they are. A corridor administrator sees every
organisation's rows; any other caller only its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from karvan.analytics.source import warehouse_from_database
from karvan.api.auth import get_principal
from karvan.api.deps import get_db
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.store.db import Database
from karvan.tenancy.principal import Principal

router = APIRouter(prefix="/analytics", tags=["analytics"], responses=PROBLEM_RESPONSES)

Kpi = Literal["volumes", "transit_od", "transit_legs", "dwell", "on_time", "eta_accuracy", "utilisation"]


@router.get("/{kpi}", summary="One KPI: volumes, transit times, dwell, on-time, ETA accuracy or utilisation")
def get_kpi(kpi: Kpi, tolerance_hours: float = Query(24.0, ge=0, le=24 * 60,
                                                      description="on_time: lateness still counted on time"),
            db: Database = Depends(get_db),
            principal: Principal = Depends(get_principal)) -> dict[str, Any]:
    org = None if principal.is_corridor_admin else principal.org_id
    with db.session() as session:  # the snapshot is read; the KPI is computed after the connection is back
        warehouse = warehouse_from_database(session, org)
    queries: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "volumes": warehouse.volumes, "transit_od": warehouse.transit_by_od,
        "transit_legs": warehouse.transit_by_leg, "dwell": warehouse.dwell_by_node,
        "eta_accuracy": warehouse.eta_accuracy, "utilisation": warehouse.utilisation,
        "on_time": lambda: warehouse.on_time(tolerance_hours),
    }
    return {"kpi": kpi, "rows": queries[kpi]()}
