"""Analytics: KPIs over tracking events, bookings and departures (DuckDB in memory, read-only source)."""

from karvan.analytics.rows import BookingFact, DepartureFact, EventFact
from karvan.analytics.warehouse import Warehouse

__all__ = ["BookingFact", "DepartureFact", "EventFact", "Warehouse"]
