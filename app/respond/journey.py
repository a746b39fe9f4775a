"""The respondent journey as operations on the database, with no HTTP in them.

Every answer is written when its page is sent, as an upsert keyed on (response, question): sending
the same page twice, or changing an answer after Back, leaves exactly one answer.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Engine, bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, object_session

from ..db import kept_readers
from ..models import (
    Answer,
    AnswerChoice,
    AnswerKind,
    QuestionnaireVersion,
    Response,
    Service,
    mark_stale,
    utcnow,
)
from ..models.figures import may_be_stored
from ..questionnaires import Question, Questionnaire
from ..questionnaires.types.base import AnswerRefused, NumberRefused, clean_words

ANSWERED_BY = ("self", "family", "staff", "other")
HELPERS = ("family", "friend", "staff", "advocate", "other")
IN_ROOM = ("family", "friend", "staff", "other")
ANYTHING_ELSE = "_anything_else"
#: the closing questions after a questionnaire's own (who helped, who else was in the room,
#: anything else): counted in the progress, "Question 24 of 24" on the last
CLOSING_QUESTIONS = 3
NOTE_LENGTH = 500  # Answer.note's size


class JourneyError(ValueError):
    """An answer that cannot be stored as given (unknown option, closed response ...)."""


class NumberNotFit(JourneyError):
    """A typed number that is not a whole number in the question's range: the person is asked
    again on the same page (a mistake anyone makes on a keypad, not a broken request)."""


@dataclass(frozen=True)
class Given:
    """What the respondent sent for one question."""

    kind: AnswerKind
    values: tuple[str, ...] = ()
    text: str | None = None


def version_for(
    db: Session, questionnaire: Questionnaire, organisation_id: int | None = None
) -> QuestionnaireVersion:
    """The stored version of this exact definition, adding it the first time it is asked.

    An organisation's own questionnaire was stored when it was published (questionnaires/own.py):
    given the organisation, its own version is found first. Anything not found is a shipped one.
    """
    digest = questionnaire.content_hash
    if organisation_id is not None:
        own = db.scalar(
            select(QuestionnaireVersion).where(
                QuestionnaireVersion.content_hash == digest,
                QuestionnaireVersion.organisation_id == organisation_id,
            )
        )
        if own is not None:
            return own
    shipped = select(QuestionnaireVersion).where(
        QuestionnaireVersion.content_hash == digest, QuestionnaireVersion.organisation_id.is_(None)
    )
    found = db.scalar(shipped)
    if found is not None:
        return found
    try:
        with db.begin_nested():
            db.add(
                QuestionnaireVersion(
                    slug=questionnaire.id,
                    content_hash=digest,
                    title=questionnaire.title,
                    audience=questionnaire.audience,
                    definition=questionnaire.definition,
                )
            )
    except IntegrityError:  # another worker stored it first
        pass
    return db.scalars(shipped).one()


def start_response(
    db: Session,
    *,
    questionnaire: Questionnaire,
    service: Service,
    client_id: str,
    answered_by: str,
    language: str,
    visit_id: int | None = None,
    asked_by_expert: bool = False,
) -> Response:
    """Start (or, for a repeated start form, find) the response with this client id.

    ``visit_id`` and ``asked_by_expert`` are given when an Expert by Experience handed the tablet
    over on a visit (app/visits).
    """
    if answered_by not in ANSWERED_BY:
        raise JourneyError("unknown answered_by")
    existing = db.scalar(select(Response).where(Response.client_id == client_id))
    if existing is not None:
        return _same_start(existing, questionnaire, service, visit_id)
    version = version_for(db, questionnaire, service.organisation_id)
    response = Response(
        client_id=client_id,
        token=secrets.token_urlsafe(32),
        version=version,
        service=service,
        respondent_role=questionnaire.audience,
        answered_by=answered_by,
        language=language,
        consent=True,
        visit_id=visit_id,
        asked_by_expert=asked_by_expert,
    )
    try:
        with db.begin_nested():
            db.add(response)
    except IntegrityError:  # the same start form sent twice at once
        found = db.scalars(select(Response).where(Response.client_id == client_id)).one()
        return _same_start(found, questionnaire, service, visit_id)
    return response


def _same_start(
    found: Response, questionnaire: Questionnaire, service: Service, visit_id: int | None
) -> Response:
    """A repeated start form finds its own response, and never anybody else's.

    The caller makes sure the id came from this browser session; this is the second wall: the
    response must be open and started here, on this questionnaire, in the same visit (or none).
    """
    if (
        found.service_id != service.id
        or found.version.slug != questionnaire.id
        or found.visit_id != visit_id
        or not found.is_open
    ):
        raise JourneyError("that id belongs to another response")
    return found


#: Built questionnaires by content hash: a stored version never changes, so neither does this.
_BUILT: dict[str, Questionnaire] = {}


def questionnaire_of(response: Response) -> Questionnaire:
    """The exact questionnaire the response was started on (not today's file)."""
    return version_questionnaire(response.version)


def version_questionnaire(version: QuestionnaireVersion) -> Questionnaire:
    """The questionnaire of one stored version, exactly as it was asked."""
    return _built(version.content_hash, lambda: version.definition)


def _built(digest: str, definition: Callable[[], dict]) -> Questionnaire:
    found = _BUILT.get(digest)
    if found is None:
        found = _BUILT[digest] = Questionnaire.from_dict(definition())
    return found


def open_response(db: Session, token: str) -> tuple[Response, Questionnaire] | None:
    """The open response with this session token and its questionnaire, in one query."""
    row = db.execute(
        select(Response, QuestionnaireVersion.content_hash)
        .join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
        .where(Response.token == token)
    ).first()
    if row is None or not row[0].is_open:
        return None
    response, digest = row
    return response, _built(digest, lambda: response.version.definition)


@dataclass(frozen=True)
class Seen:
    """An answer as a question page shows it (read-only): its kind, chosen values and words."""

    kind: AnswerKind
    values: list[str]
    text: str | None


@dataclass(frozen=True)
class Opened:
    """An open response as a question page reads it: no ORM object (see :func:`open_response_seen`)."""

    id: int
    version_id: int
    #: question id -> the answer given so far
    answers: dict[str, Seen]


_R, _V = Response.__table__.c, QuestionnaireVersion.__table__.c
_A, _C = Answer.__table__.c, AnswerChoice.__table__.c
#: Built once, in plain columns (no ORM objects to make): a question page's one read (issue 15).
_OPEN_WITH_ANSWERS = (
    select(_R.id, _R.version_id, _R.finished_at, _V.content_hash, _A.question_key, _A.kind, _A.text, _C.value)
    .select_from(
        Response.__table__.join(QuestionnaireVersion.__table__, _R.version_id == _V.id)
        .outerjoin(Answer.__table__, _A.response_id == _R.id)
        .outerjoin(AnswerChoice.__table__, _C.answer_id == _A.id)
    )
    .where(_R.token == bindparam("token"))
    .order_by(_A.id, _C.id)
)


def open_response_seen(engine: Engine, token: str) -> tuple[Opened, Questionnaire] | None:
    """The open response with this session token, its questionnaire and every answer given so
    far (what a question page shows, and what its ``show_if`` conditions test), in one query.
    Only for reading: an answer is stored through :func:`record_answer`, and
    ``db.get(Response, opened.id)`` is the response itself when one is needed.

    The one statement runs on a driver connection of its own, outside the request's ORM session:
    on SQLite one kept out of the pool (db.KeptReaders), else one the pool lends and takes back
    at once. One statement reads one consistent state, and a page that only shows then never opens
    a session, a transaction or a commit.
    That was over a third of a kept question page's time (issue 15, measured with
    ``bench/render.py``): the ORM session's connection and commit, and the engine's execution
    and result steps, against about 12 us for the driver itself. On PostgreSQL the statement
    runs in autocommit: one round trip, not three (BEGIN, SELECT, ROLLBACK)."""
    sql, names = _seen_statement(engine.dialect)
    params: Any = {"token": token} if names is None else tuple(token for _ in names)
    rows = _read_kept(engine, sql, params)
    if rows is None:
        rows = _read_lent(engine, sql, params)
    if not rows or rows[0][2] is not None:  # none, or finished
        return None
    response_id, version_id, _finished, content_hash = rows[0][:4]
    answers: dict[str, Seen] = {}
    for *_, question_key, kind, text, value in rows:
        if question_key is None:
            continue
        found = answers.get(question_key)
        if found is None:
            found = answers[question_key] = Seen(AnswerKind(kind), [], text)
        if value is not None:
            found.values.append(value)

    def definition() -> dict:
        with Session(engine) as db:
            version = db.get(QuestionnaireVersion, version_id)
            assert version is not None  # noqa: S101 - the row was just read with its version
            return version.definition

    return Opened(response_id, version_id, answers), _built(content_hash, definition)


def _read_kept(engine: Engine, sql: str, params: Any) -> list | None:
    """The rows, read on a connection kept out of the pool (SQLite: db.KeptReaders); None where
    there is none, or it failed (it is then closed, and the read goes through the pool)."""
    readers = kept_readers(engine)
    if readers is None:
        return None
    taken = readers.take()
    try:
        cursor = taken[1].cursor()
        try:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    except engine.dialect.loaded_dbapi.Error:
        readers.discard(taken)
        return None
    except BaseException:
        readers.discard(taken)
        raise
    readers.give(taken)
    return rows


def _read_lent(engine: Engine, sql: str, params: Any) -> list:
    """The rows, read on a connection the pool lends and takes back at once."""
    connection = engine.raw_connection()
    # psycopg opens a transaction before a first statement (a BEGIN sent on its own) and the pool
    # ends it with a ROLLBACK: three round trips to the server for one SELECT. In autocommit the
    # SELECT is its own transaction, one round trip; the connection goes back to the pool as it
    # came (not in autocommit), or is thrown away if that cannot be done.
    driver = connection.driver_connection
    own_transaction = engine.dialect.driver == "psycopg" and not getattr(driver, "autocommit", True)
    try:
        if own_transaction:
            driver.autocommit = True  # type: ignore[union-attr]
        cursor = connection.cursor()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.close()
    finally:
        try:
            if own_transaction:
                driver.autocommit = False  # type: ignore[union-attr]
        except Exception:
            connection.invalidate()  # not as the pool lent it: never lent again
        connection.close()
    return rows


_SEEN_SQL: dict[tuple[str, str], tuple[str, tuple[str, ...] | None]] = {}


def _seen_statement(dialect: Dialect) -> tuple[str, tuple[str, ...] | None]:
    """:data:`_OPEN_WITH_ANSWERS` as the driver takes it (compiled once per dialect), and the
    names of its positional parameters (None: the driver takes them by name)."""
    key = (dialect.name, dialect.paramstyle)
    found = _SEEN_SQL.get(key)
    if found is None:
        compiled = _OPEN_WITH_ANSWERS.compile(dialect=dialect)
        names = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
        found = _SEEN_SQL[key] = (str(compiled), names)
    return found


def chosen_in(seen: dict[str, Seen]) -> dict[str, frozenset[str]]:
    """:func:`chosen_options` from answers already read (``open_response_seen``)."""
    return {
        key: frozenset(answer.values)
        for key, answer in seen.items()
        if answer.kind == AnswerKind.OPTION and answer.values
    }


def answer_to(db: Session, response: Response, question_key: str) -> Answer | None:
    """This response's answer to one question, with its choices, in one query."""
    return (
        db.scalars(
            select(Answer)
            .options(joinedload(Answer.choices))
            .where(Answer.response_id == response.id, Answer.question_key == question_key)
        )
        .unique()
        .one_or_none()
    )


def normalise_text(text: str | None) -> str:
    """Free text as the person typed it: browsers send line breaks as CRLF, we keep LF."""
    return clean_words(text)


def closing_words(text: str | None, limit: int) -> Given:
    """ "Is there anything else?" as typed: the words (at most ``limit`` characters, the
    MAX_FREE_TEXT setting) or skipped when empty. A question's own box has its ``max_length``."""
    words = normalise_text(text)
    if len(words) > limit:
        raise JourneyError("text too long")
    return Given(AnswerKind.TEXT, text=words) if words else Given(AnswerKind.SKIPPED)


def parse_given(question: Question, action: str | None, values: list[str], text: str | None) -> Given:
    """Turn the posted fields into an answer, refusing anything the question does not offer."""
    if action in ("dont_know", "dont_want_to_say", "skip"):
        if action not in question.escapes:  # not a button on this page (``escapes:``)
            raise JourneyError("escape not offered")
        kind = {
            "skip": AnswerKind.SKIPPED,
            "dont_know": AnswerKind.DONT_KNOW,
            "dont_want_to_say": AnswerKind.DONT_WANT_TO_SAY,
        }[action]
        return Given(kind)
    if action == "does_not_apply":  # "This does not happen to me": only where the file offers it
        if not question.does_not_apply:
            raise JourneyError("does not apply not offered")
        return Given(AnswerKind.DOES_NOT_APPLY)
    if action not in (None, "", "answer"):
        raise JourneyError("unknown action")
    try:
        parsed = question.kind.parse(question, values, text)
    except NumberRefused as exc:
        raise NumberNotFit(str(exc)) from exc
    except AnswerRefused as exc:
        raise JourneyError(str(exc)) from exc
    return Given(AnswerKind(parsed.kind), parsed.values, parsed.text)


def keeps(answer: Answer | None, given: Given, *, sent_empty: bool, supported: bool = False) -> bool:
    """True when sending ``given`` would leave the stored answer as it is (Back, then Next).

    The same answer again is not written again (its submission id and time stay). ``sent_empty``:
    Next with nothing chosen or written (not a tap on Skip). That keeps a stored "I don't know",
    "I don't want to say" or Skip: those show as chosen escapes, not as ticks or words on the page.
    """
    if answer is None:
        return False
    kind = AnswerKind(answer.kind)
    if sent_empty and kind not in (AnswerKind.OPTION, AnswerKind.TEXT, AnswerKind.NUMBER):
        return True
    return (
        kind == given.kind
        and sorted(answer.values) == sorted(given.values)
        and (answer.text or None) == (given.text or None)
        and bool(answer.supported) == supported
    )


def record_answer(
    db: Session,
    response: Response,
    question_key: str,
    given: Given,
    submission_id: str,
    *,
    supported: bool = False,
    note: str | None = None,
    language: str | None = None,
) -> Answer:
    """Store ``given`` as the answer to ``question_key``; a replayed submission changes nothing.

    ``supported``: given in "ask together" mode. ``note``: a short note with the answer (an
    expert's observation), at most NOTE_LENGTH characters. ``language``: the one it was given in.
    """
    if not response.is_open:
        raise JourneyError("response closed")
    if note is not None and len(note) > NOTE_LENGTH:
        raise JourneyError("note too long")
    now = utcnow()
    values = {
        "response_id": response.id,
        "question_key": question_key,
        "kind": given.kind.value,
        "text": given.text,
        "submission_id": submission_id,
        "supported": supported,
        "note": note,
        "language": language,
        "created_at": now,
        "updated_at": now,
    }
    # One statement, whatever else is running: the unique (response, question) constraint decides,
    # never a check-then-insert. A replay (same submission id) updates nothing and returns no row.
    upsert = _dialect_insert(db)(Answer).values(**values)
    upsert = upsert.on_conflict_do_update(
        index_elements=[Answer.response_id, Answer.question_key],
        set_={
            key: upsert.excluded[key]
            for key in ("kind", "text", "submission_id", "supported", "note", "language", "updated_at")
        },
        where=Answer.submission_id != upsert.excluded.submission_id,
    ).returning(Answer.id)
    answer_id = db.execute(upsert).scalar()
    if answer_id is not None:  # a new or changed answer: its choices are replaced with it
        _figures_changed(db, response)
        db.execute(delete(AnswerChoice).where(AnswerChoice.answer_id == answer_id))
        if given.values:
            db.execute(
                insert(AnswerChoice), [{"answer_id": answer_id, "value": value} for value in given.values]
            )
    answer = db.scalars(
        select(Answer)
        .where(Answer.response_id == response.id, Answer.question_key == question_key)
        .execution_options(populate_existing=True)
    ).one()
    return answer


def _figures_changed(db: Session, response: Response) -> None:
    """What the dashboard counts of ``response`` changed: its month's stored figures (if that
    month has ended, e.g. an answer arriving late from an offline tablet) are no longer current."""
    if not may_be_stored(response.started_at):  # today's answers: no query, no row touched
        return
    service = db.get(Service, response.service_id)
    if service is not None:
        mark_stale(db, service.organisation_id, response.started_at)


def _dialect_insert(db: Session):  # type: ignore[no-untyped-def]
    """INSERT with ON CONFLICT for the database in use (SQLite and PostgreSQL both have it)."""
    if db.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


# -- questions shown only when earlier answers match (show_if) ----------------------------------
def chosen_options(
    db: Session, response: Response, questionnaire: Questionnaire
) -> dict[str, frozenset[str]]:
    """The options chosen so far, question id -> values (what ``show_if`` conditions test); no
    query at all for a questionnaire without conditions."""
    if not questionnaire.has_conditions:
        return {}
    rows = db.execute(
        select(Answer.question_key, AnswerChoice.value)
        .join(AnswerChoice, AnswerChoice.answer_id == Answer.id)
        .where(Answer.response_id == response.id, Answer.kind == AnswerKind.OPTION)
    )
    chosen: dict[str, set[str]] = {}
    for key, value in rows:
        chosen.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in chosen.items()}


def shown_numbers(questionnaire: Questionnaire, chosen: dict[str, frozenset[str]]) -> list[int]:
    """The question numbers (1-based) this person is asked, given the options chosen so far."""
    return [n for n, q in enumerate(questionnaire.questions, start=1) if q.shown(chosen)]


def next_shown(questionnaire: Questionnaire, number: int, chosen: dict[str, frozenset[str]]) -> int | None:
    """The first question asked from ``number`` on (``number`` itself when it is asked); None:
    none is left, the closing questions come next."""
    if not questionnaire.has_conditions:  # every question is asked: no need to list them
        first = max(number, 1)
        return first if first <= len(questionnaire.questions) else None
    return next((n for n in shown_numbers(questionnaire, chosen) if n >= number), None)


def previous_shown(
    questionnaire: Questionnaire, number: int, chosen: dict[str, frozenset[str]]
) -> int | None:
    """The last question asked before ``number``; None: ``number`` is the first one asked."""
    if not questionnaire.has_conditions:  # every question is asked: no need to list them
        last = min(number - 1, len(questionnaire.questions))
        return last if last >= 1 else None
    return next((n for n in reversed(shown_numbers(questionnaire, chosen)) if n < number), None)


def settle_not_asked(
    db: Session, response: Response, questionnaire: Questionnaire, submission_id: str
) -> None:
    """After an answer: store "not asked" for every question whose ``show_if`` the answers now
    fail, and clear "not asked" from one that is now asked again (its page comes up in turn).

    What the person really answered is never overwritten by "not asked" unless a changed earlier
    answer now hides that question (then that answer no longer fits what they said before it).
    Each "not asked" row gets a submission id made from the one that caused it, so a replay of
    the same page changes nothing.
    """
    if not questionnaire.has_conditions:
        return
    chosen = chosen_options(db, response, questionnaire)
    stored = {
        key: kind
        for key, kind in db.execute(
            select(Answer.question_key, Answer.kind).where(Answer.response_id == response.id)
        )
    }
    for question in questionnaire.questions:
        kind = stored.get(question.id)
        if question.shown(chosen):
            if kind == AnswerKind.NOT_ASKED:
                db.execute(
                    delete(Answer).where(
                        Answer.response_id == response.id, Answer.question_key == question.id
                    )
                )
        elif kind != AnswerKind.NOT_ASKED:
            caused = hashlib.sha256(f"{submission_id}/{question.id}".encode()).hexdigest()[:40]
            record_answer(db, response, question.id, Given(AnswerKind.NOT_ASKED), f"not-asked-{caused}")
            if kind == AnswerKind.OPTION:  # its options no longer count for the questions after it
                chosen = chosen_options(db, response, questionnaire)


def answers_by_question(db: Session, response: Response) -> dict[str, Answer]:
    rows = db.scalars(select(Answer).where(Answer.response_id == response.id))
    return {answer.question_key: answer for answer in rows}


def record_context(
    response: Response, *, helped_by: list[str] | None = None, in_room: list[str] | None = None
) -> None:
    """Store who helped and who else was in the room (fixed codes only)."""
    if not response.is_open:
        raise JourneyError("response closed")
    if helped_by is not None:
        if any(code not in HELPERS for code in helped_by):
            raise JourneyError("unknown helper")
        helped = ",".join(code for code in HELPERS if code in helped_by)
        if helped != response.helped_by:  # "with help" or not: every answer's figures move
            db = object_session(response)
            if db is not None:
                _figures_changed(db, response)
        response.helped_by = helped
    if in_room is not None:
        if any(code not in IN_ROOM for code in in_room):
            raise JourneyError("unknown person in the room")
        response.others_present = ",".join(code for code in IN_ROOM if code in in_room)


def finish(response: Response, *, stopped: bool = False) -> None:
    """Close the response: nothing can be added or changed after this."""
    if response.is_open:
        response.status = "stopped" if stopped else "finished"
        response.finished_at = utcnow()


# -- a quiet tablet ----------------------------------------------------------------------------
#: what a respondent's next request finds: busy (go on), ask "Are you still there?", still
#: asking (that page is up and waiting), or gone (nobody answered it in time: close the response)
AWAKE, ASK, ASKING, GONE = "awake", "ask", "asking", "gone"


def quiet_state(
    now: float, seen: float | None, asked: float | None, *, quiet_seconds: float, answer_seconds: float
) -> str:
    """Where a respondent's request stands after a quiet spell (times in seconds since the epoch).

    ``seen``: the person's last request; ``asked``: when "Are you still there?" was first shown.
    """
    if asked is not None:
        return GONE if now - asked >= answer_seconds else ASKING
    if seen is not None and now - seen >= quiet_seconds:
        return ASK
    return AWAKE
