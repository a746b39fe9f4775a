"""Typed SQLAlchemy 2 models, one module per aggregate."""

from .assessment import (
    ACTION_STATUSES,
    CHALLENGER_RELATIONSHIPS,
    ActionPoint,
    Challenge,
    PickedQuote,
    SectionEntry,
    SelfAssessment,
)
from .audio import AUDIO_JOB_STATUSES, AudioJob
from .audit import AuditEvent
from .base import Base, utcnow
from .figures import FigurePeriod, FigureSnapshot, StoredFigure, latest_mark, mark_months_stale, mark_stale
from .organisation import Organisation, Service, Tablet, new_start_code
from .picture import OwnPicture
from .questionnaire import OwnQuestionnaire, QuestionnaireVersion
from .response import Answer, AnswerChoice, AnswerKind, Response
from .safeguarding import ConcernWord, MailOutbox, SafeguardingAlert, SafeguardingLead, SafeguardingSignal
from .throttle import Throttle
from .user import Role, User
from .verification import Verification, VerificationNote, VerificationSignature, VerificationVerdict
from .visit import Handover, Photo, Visit

__all__ = [
    "Answer",
    "AnswerChoice",
    "AnswerKind",
    "AuditEvent",
    "Base",
    "Organisation",
    "OwnPicture",
    "OwnQuestionnaire",
    "QuestionnaireVersion",
    "Response",
    "Role",
    "Service",
    "Throttle",
    "User",
    "utcnow",
    "Handover",
    "Photo",
    "Verification",
    "VerificationNote",
    "VerificationSignature",
    "VerificationVerdict",
    "Visit",
]
__all__ += [
    "ACTION_STATUSES",
    "CHALLENGER_RELATIONSHIPS",
    "ActionPoint",
    "Challenge",
    "ConcernWord",
    "PickedQuote",
    "SafeguardingAlert",
    "SafeguardingLead",
    "SectionEntry",
    "SelfAssessment",
]
__all__ += ["MailOutbox", "SafeguardingSignal"]
__all__ += ["Tablet", "new_start_code"]
__all__ += ["AUDIO_JOB_STATUSES", "AudioJob"]
__all__ += ["FigurePeriod", "FigureSnapshot", "StoredFigure", "latest_mark", "mark_months_stale"]
__all__ += ["mark_stale"]
