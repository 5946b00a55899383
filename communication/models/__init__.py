"""Models of the communication app (R-COM-1 … R-COM-6): the configurable levels, the records
(logs, minutes, internal reviews, weekly/monthly reports) with their distribution lists, the
problems raised in them with their history, and the compliance breaches marked by a job."""

from .compliance import ComplianceBreach
from .levels import CommunicationLevel
from .problems import Problem, ProblemEvent
from .records import CommunicationRecord, MinutesRecipient

__all__ = [
    "CommunicationLevel",
    "CommunicationRecord",
    "ComplianceBreach",
    "MinutesRecipient",
    "Problem",
    "ProblemEvent",
]
