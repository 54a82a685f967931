"""Departures: dated runs of network services that operators publish, with their capacity."""
