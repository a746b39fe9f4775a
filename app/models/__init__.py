"""Typed SQLAlchemy 2 models, one module per aggregate."""

from .base import Base, utcnow
from .organisation import Organisation, Service
from .questionnaire import QuestionnaireVersion
from .response import Answer, AnswerChoice, AnswerKind, Response

__all__ = ["Answer", "AnswerChoice", "AnswerKind", "Base", "Organisation", "QuestionnaireVersion",
           "Response", "Service", "utcnow"]
