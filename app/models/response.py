"""A response (one person's go at a questionnaire) and its answers."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .organisation import Service
from .questionnaire import QuestionnaireVersion


class AnswerKind(enum.StrEnum):
    """What an answer holds. The "not an answer" kinds are kept apart from real answers."""

    OPTION = "option"  # one or more chosen options (AnswerChoice rows)
    TEXT = "text"
    DONT_KNOW = "dont_know"
    DONT_WANT_TO_SAY = "dont_want_to_say"
    SKIPPED = "skipped"
    #: a whole number (``text`` holds it, its one AnswerChoice the band it falls in)
    NUMBER = "number"
    #: the question's ``show_if`` was not met by the person's earlier answers: it was never shown
    NOT_ASKED = "not_asked"
    #: "This does not happen to me" (``does_not_apply: true``): kept apart, in no percentage
    DOES_NOT_APPLY = "does_not_apply"


class Response(Base):
    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint("answered_by IN ('self', 'family', 'staff', 'other')", name="answered_by"),
        CheckConstraint("status IN ('in_progress', 'finished', 'stopped')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: made by the tablet for the start form: posting it twice starts one response
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    #: the secret the respondent's session holds; never shown in reports
    token: Mapped[str] = mapped_column(String(64), unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    #: the group the questionnaire is for: person_supported | family | staff | expert
    respondent_role: Mapped[str] = mapped_column(String(32))
    #: who is answering: self, or a proxy (family, staff, other) answering for the person
    answered_by: Mapped[str] = mapped_column(String(16), default="self")
    language: Mapped[str] = mapped_column(String(16))
    #: codes of who helped the person answer, comma separated ("" = nobody; NULL = not asked)
    helped_by: Mapped[str | None] = mapped_column(String(200))
    #: codes of who else was in the room, comma separated ("" = nobody; NULL = not asked)
    others_present: Mapped[str | None] = mapped_column(String(200))
    consent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the Expert by Experience's visit this response was given on (NULL: not on a visit)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    #: asked by an Expert by Experience (the tablet was handed over on a visit)
    asked_by_expert: Mapped[bool] = mapped_column(default=False, server_default=false())

    version: Mapped[QuestionnaireVersion] = relationship()
    service: Mapped[Service] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


class Answer(Base):
    """One answer to one question of a response; changing an answer updates this row."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    #: the question's id in the questionnaire version ("_anything_else" for the closing question)
    question_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[AnswerKind] = mapped_column(
        Enum(AnswerKind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    #: free text, only for kind == text
    text: Mapped[str | None] = mapped_column(Text)
    #: the id of the form submission that last wrote this answer (a replay changes nothing)
    submission_id: Mapped[str] = mapped_column(String(64))
    #: given in "ask together" mode: the expert read, the person pointed
    supported: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: a short note with the answer (an expert's observation notes)
    note: Mapped[str | None] = mapped_column(String(500))
    #: the language the answer was given in (a person may change language on the way)
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")
    choices: Mapped[list[AnswerChoice]] = relationship(
        cascade="all, delete-orphan", order_by="AnswerChoice.id"
    )

    @property
    def values(self) -> list[str]:
        return [choice.value for choice in self.choices]


class AnswerChoice(Base):
    """A chosen option of an answer: one for faces / yes-no / choose-one, several for choose-many."""

    __tablename__ = "answer_choice"
    __table_args__ = (UniqueConstraint("answer_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"))
    #: the option's value in the questionnaire version (e.g. "happy", "yes", "music")
    value: Mapped[str] = mapped_column(String(80))
