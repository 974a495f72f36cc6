"""Tandem's domain: aggregates, events, governance rules, errors and the application service.

Imports only the standard library and `eventsourcing`.
"""
