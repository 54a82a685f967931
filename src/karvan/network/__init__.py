"""The corridor network: places, links, services, dwell and operators; loading and validation."""

from karvan.network.loader import load_network
from karvan.network.model import (
    ContainerType,
    Dwell,
    DwellKind,
    Gauge,
    Link,
    Mode,
    Operator,
    Place,
    PlaceKind,
    Service,
    ServiceKind,
    Traction,
)
from karvan.network.network import Network

__all__ = [
    "ContainerType",
    "Dwell",
    "DwellKind",
    "Gauge",
    "Link",
    "Mode",
    "Network",
    "Operator",
    "Place",
    "PlaceKind",
    "Service",
    "ServiceKind",
    "Traction",
    "load_network",
]
