"""Kinds of people and teams, shared by the program (`problem`) and rosters (`roster`)."""

from __future__ import annotations

from enum import StrEnum


class Team(StrEnum):
    ADULT = "adult"
    JUVENILE = "juvenile"


class Role(StrEnum):
    CLINICIAN = "clinician"
    PEER = "peer"
