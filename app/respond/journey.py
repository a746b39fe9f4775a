"""The respondent journey as operations on the database, with no HTTP in them.

Every answer is written when its page is sent, as an upsert keyed on (response, question): sending
the same page twice, or changing an answer after Back, leaves exactly one answer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Answer, AnswerChoice, AnswerKind, QuestionnaireVersion, Response, Service, utcnow
from ..questionnaires import Question, Questionnaire

ANSWERED_BY = ("self", "family", "staff", "other")
HELPERS = ("family", "friend", "staff", "advocate", "other")
IN_ROOM = ("family", "friend", "staff", "other")
ANYTHING_ELSE = "_anything_else"


class JourneyError(ValueError):
    """An answer that cannot be stored as given (unknown option, closed response ...)."""


@dataclass(frozen=True)
class Given:
    """What the respondent sent for one question."""

    kind: AnswerKind
    values: tuple[str, ...] = ()
    text: str | None = None


def version_for(db: Session, questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The stored version of this exact definition, adding it the first time it is asked."""
    digest = questionnaire.content_hash
    found = db.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.content_hash == digest))
    if found is not None:
        return found
    try:
        with db.begin_nested():
            db.add(QuestionnaireVersion(slug=questionnaire.id, content_hash=digest,
                                        title=questionnaire.title, audience=questionnaire.audience,
                                        definition=questionnaire.definition))
    except IntegrityError:  # another worker stored it first
        pass
    return db.scalars(select(QuestionnaireVersion)
                      .where(QuestionnaireVersion.content_hash == digest)).one()


def start_response(db: Session, *, questionnaire: Questionnaire, service: Service, client_id: str,
                   answered_by: str, language: str) -> Response:
    """Start (or, for a repeated start form, find) the response with this client id."""
    if answered_by not in ANSWERED_BY:
        raise JourneyError("unknown answered_by")
    existing = db.scalar(select(Response).where(Response.client_id == client_id))
    if existing is not None:
        return existing
    version = version_for(db, questionnaire)
    response = Response(client_id=client_id, token=secrets.token_urlsafe(32), version=version,
                        service=service, respondent_role=questionnaire.audience,
                        answered_by=answered_by, language=language, consent=True)
    try:
        with db.begin_nested():
            db.add(response)
    except IntegrityError:  # the same start form sent twice at once
        return db.scalars(select(Response).where(Response.client_id == client_id)).one()
    return response


def questionnaire_of(response: Response) -> Questionnaire:
    """The exact questionnaire the response was started on (not today's file)."""
    return Questionnaire.from_dict(response.version.definition)


def parse_given(question: Question, action: str | None, values: list[str],
                text: str | None) -> Given:
    """Turn the posted fields into an answer, refusing anything the question does not offer."""
    if action in ("dont_know", "dont_want_to_say", "skip"):
        kind = {"skip": AnswerKind.SKIPPED, "dont_know": AnswerKind.DONT_KNOW,
                "dont_want_to_say": AnswerKind.DONT_WANT_TO_SAY}[action]
        return Given(kind)
    if action not in (None, "", "answer"):
        raise JourneyError("unknown action")
    if question.type == "free_text":
        cleaned = (text or "").strip()
        if len(cleaned) > question.max_length:
            raise JourneyError("text too long")
        return Given(AnswerKind.TEXT, text=cleaned) if cleaned else Given(AnswerKind.SKIPPED)
    chosen = tuple(dict.fromkeys(values))
    if not chosen:
        return Given(AnswerKind.SKIPPED)
    if len(chosen) > 1 and not question.multiple:
        raise JourneyError("one answer only")
    if any(question.choice(value) is None for value in chosen):
        raise JourneyError("unknown option")
    return Given(AnswerKind.OPTION, values=chosen)


def record_answer(db: Session, response: Response, question_key: str, given: Given,
                  submission_id: str) -> Answer:
    """Store ``given`` as the answer to ``question_key``; a replayed submission changes nothing."""
    if not response.is_open:
        raise JourneyError("response closed")
    answer = _answer(db, response, question_key)
    if answer is None:
        try:
            with db.begin_nested():
                db.execute(insert(Answer).values(
                    response_id=response.id, question_key=question_key, kind=given.kind,
                    text=given.text, submission_id=submission_id, created_at=utcnow(),
                    updated_at=utcnow()))
        except IntegrityError:  # sent twice at once: the other request made the row
            pass
        answer = _answer(db, response, question_key)
        if answer is None:  # only if the row vanished between insert and select
            raise JourneyError("answer not stored")
        if answer.submission_id != submission_id:
            return record_answer(db, response, question_key, given, submission_id)
        _replace_choices(db, answer, given.values)
    elif answer.submission_id != submission_id:
        answer.kind, answer.text, answer.submission_id = given.kind, given.text, submission_id
        answer.updated_at = utcnow()
        _replace_choices(db, answer, given.values)
    db.flush()
    return answer


def _answer(db: Session, response: Response, question_key: str) -> Answer | None:
    return db.scalar(select(Answer).where(Answer.response_id == response.id,
                                          Answer.question_key == question_key)
                     .execution_options(populate_existing=True))


def _replace_choices(db: Session, answer: Answer, values: tuple[str, ...]) -> None:
    db.execute(delete(AnswerChoice).where(AnswerChoice.answer_id == answer.id))
    for value in values:
        db.add(AnswerChoice(answer_id=answer.id, value=value))
    db.flush()
    db.refresh(answer, ["choices"])


def answers_by_question(db: Session, response: Response) -> dict[str, Answer]:
    rows = db.scalars(select(Answer).where(Answer.response_id == response.id))
    return {answer.question_key: answer for answer in rows}


def record_context(response: Response, *, helped_by: list[str] | None = None,
                   in_room: list[str] | None = None) -> None:
    """Store who helped and who else was in the room (fixed codes only)."""
    if not response.is_open:
        raise JourneyError("response closed")
    if helped_by is not None:
        if any(code not in HELPERS for code in helped_by):
            raise JourneyError("unknown helper")
        response.helped_by = ",".join(code for code in HELPERS if code in helped_by)
    if in_room is not None:
        if any(code not in IN_ROOM for code in in_room):
            raise JourneyError("unknown person in the room")
        response.others_present = ",".join(code for code in IN_ROOM if code in in_room)


def finish(response: Response, *, stopped: bool = False) -> None:
    """Close the response: nothing can be added or changed after this."""
    if response.is_open:
        response.status = "stopped" if stopped else "finished"
        response.finished_at = utcnow()
