"""Typed SQLAlchemy 2 models, one module per aggregate."""

from .audit import AuditEvent, Throttle
from .base import Base, utcnow
from .organisation import Organisation, Service
from .questionnaire import QuestionnaireVersion
from .response import Answer, AnswerChoice, AnswerKind, Response
from .user import Role, User

__all__ = ["Answer", "AnswerChoice", "AnswerKind", "AuditEvent", "Base", "Organisation",
           "QuestionnaireVersion", "Response", "Role", "Service", "Throttle", "User", "utcnow"]
