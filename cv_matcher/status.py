"""The certification-status vocabulary: one type, used by the matcher, scoring, gaps, fit and reports.

A CV's certification is held, being studied for or planned; an advert's is essential, desirable or
not required. The values are the JSON contract's strings (report.schema.json).
"""
from __future__ import annotations

import sys
from enum import Enum

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10 has no StrEnum: the same behaviour, spelt out

    class StrEnum(str, Enum):
        """An Enum whose members are strings and print as their value."""

        def __str__(self) -> str:
            return str(self.value)


class CertStatus(StrEnum):
    """What a document says about a certification."""

    HELD = "held"
    STUDYING = "studying"
    PLANNED = "planned"
    ESSENTIAL = "essential"
    DESIRABLE = "desirable"
    NOT_REQUIRED = "not-required"


# The statuses a CV can give (the default first) and an advert's; context.toml names the cues.
CV_STATUSES = (CertStatus.HELD, CertStatus.STUDYING, CertStatus.PLANNED)
ADVERT_STATUSES = (CertStatus.ESSENTIAL, CertStatus.DESIRABLE, CertStatus.NOT_REQUIRED)
# Strongest first: of several mentions of one certification, the report keeps the strongest.
STRENGTH = (CertStatus.HELD, CertStatus.ESSENTIAL, CertStatus.DESIRABLE, CertStatus.STUDYING, CertStatus.PLANNED,
            CertStatus.NOT_REQUIRED)
# A finding counts as level evidence unless it is only studied for, planned, or not required.
COUNTED: frozenset[CertStatus | None] = frozenset({CertStatus.HELD, CertStatus.ESSENTIAL, CertStatus.DESIRABLE, None})
# What a reader of a report counts as "has it": held in a CV, asked for in an advert.
POSITIVE = {"cv": frozenset({CertStatus.HELD}), "advert": frozenset({CertStatus.ESSENTIAL, CertStatus.DESIRABLE})}


def is_held(status: CertStatus | None) -> bool:
    """A CV certification with no status stated is held."""
    return status is None or status == CertStatus.HELD
