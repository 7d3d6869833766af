"""Roster optimizer for crisis response programs (clinician + peer responder units)."""

__version__ = "0.1.0"
