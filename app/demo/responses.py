"""Realistic random responses for the demo and the benchmark, written with bulk inserts.

Answers lean the way real ones do (mostly happy, some OK, a few sad, a few "don't know"), some
people answer with help or through a proxy, and the dates spread over this year and last year.
Free text is drawn from harmless sample sentences, so the demo raises no safeguarding alerts.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from ..models import (
    Answer,
    AnswerChoice,
    Organisation,
    QuestionnaireVersion,
    Response,
    Service,
    mark_months_stale,
    utcnow,
)
from ..questionnaires import Question, Questionnaire
from ..respond.journey import version_for

EXTRA_SERVICES = ("Willow Court", "Hill View Flats", "Maple Lodge")
SAMPLE_TEXTS = (
    "I like going to the park with my friends.",
    "I want to go swimming more often.",
    "The new garden is lovely.",
    "I would like more choice of food.",
    "Staff are kind to me.",
    "I want a job in a cafe.",
    "Sometimes it is too noisy in the evening.",
)
#: "Say what" words beside an "other" option (short, harmless)
OTHER_TEXTS = ("Bowling", "Going to church", "My dog", "Cooking with my sister", "The library")
FACE_WEIGHTS = {"happy": 60, "ok": 24, "sad": 8, "dont_know": 4, "dont_want_to_say": 2, "skipped": 2}
FACE5_WEIGHTS = {
    "very_happy": 30,
    "happy": 34,
    "ok": 20,
    "sad": 6,
    "very_sad": 2,
    "dont_know": 4,
    "dont_want_to_say": 2,
    "skipped": 2,
}
YES_NO_WEIGHTS = {"yes": 70, "no": 12, "dont_know": 13, "dont_want_to_say": 3, "skipped": 2}
ANSWERED_BY = {"self": 82, "family": 9, "staff": 6, "other": 3}
BATCH = 5000


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _answer(rng: random.Random, question: Question) -> tuple[str, list[str], str | None]:
    """(kind, chosen values, text) for one random answer, using only the escapes it offers."""
    if question.does_not_apply and rng.random() < 0.08:  # "This does not happen to me"
        return "does_not_apply", [], None
    kind, values, text = _any_answer(rng, question)
    if kind in ("dont_know", "dont_want_to_say") and kind not in question.escapes:
        return "skipped", [], None  # every question can be skipped
    return kind, values, text


def _any_answer(rng: random.Random, question: Question) -> tuple[str, list[str], str | None]:
    if question.type in ("faces", "scale", "yes_no"):
        if question.type == "yes_no":
            weights = YES_NO_WEIGHTS
        else:
            weights = FACE5_WEIGHTS if len(question.choices) == 5 else FACE_WEIGHTS
        value = _pick(rng, weights)
        if value in ("dont_know", "dont_want_to_say", "skipped"):
            return value, [], None
        if question.reversed:  # "Do staff ignore you?": most people say no
            value = {"yes": "no", "no": "yes"}[value]
        if question.safeguarding and value in question.alert_values:
            value = question.choices[0].value  # the demo raises no alerts
        return "option", [value], None
    if question.type == "number":
        if rng.random() < 0.05:
            return "dont_know", [], None
        number = rng.randint(question.min_value, question.max_value)
        return "number", [question.band_of(number)], str(number)
    if question.type == "free_text":
        if rng.random() < 0.35:
            return "text", [], rng.choice(SAMPLE_TEXTS)
        return "skipped", [], None
    roll = rng.random()
    if roll < 0.05:
        return "dont_know", [], None
    values = [o.value for o in question.choices]
    if question.type == "choose_many":
        picked = rng.sample(values, rng.randint(1, min(3, len(values))))
    else:
        picked = [rng.choice(values)]
    other = question.other_option
    if other is not None and other.value in picked:  # "Say what": a few harmless words
        return "option", picked, rng.choice(OTHER_TEXTS)
    return "option", picked, None


def add_responses(
    db: Session,
    organisation: Organisation,
    questionnaires: Iterable[Questionnaire],
    count: int,
    *,
    seed: int = 2024,
    now: datetime | None = None,
    since: datetime | None = None,
    services: int = 0,
) -> int:
    """Add ``count`` finished responses across the organisation's services; returns answers added.

    They are spread from ``since`` (default: the start of last year) to ``now``. ``services``:
    have at least this many services (a large provider), adding numbered ones.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, repeatable on purpose
    now = now or utcnow()
    names = list(EXTRA_SERVICES) + [f"Service {n}" for n in range(len(EXTRA_SERVICES) + 3, services + 1)]
    for name in names:
        if (
            db.scalar(select(Service).where(Service.organisation_id == organisation.id, Service.name == name))
            is None
        ):
            db.add(Service(organisation_id=organisation.id, name=name))  # code: new_start_code()
    db.flush()
    services = list(db.scalars(select(Service.id).where(Service.organisation_id == organisation.id)))
    forms = [(q, version_for(db, q)) for q in questionnaires if q.audience != "expert"]
    start = since or datetime(now.year - 1, 1, 1, tzinfo=UTC)
    span = (now - start).total_seconds()
    answers_added = 0
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        chosen = [rng.choice(forms) for _ in range(size)]
        rows = []
        for questionnaire, version in chosen:
            started = start + timedelta(seconds=rng.random() * span)
            by = _pick(rng, ANSWERED_BY)
            rows.append(
                dict(
                    client_id=secrets.token_hex(16),
                    token=secrets.token_hex(16),
                    version_id=version.id,
                    service_id=rng.choice(services),
                    respondent_role=questionnaire.audience,
                    answered_by=by,
                    language="en_GB",
                    helped_by=rng.choice(("", "", "", "staff", "family", "advocate")),
                    others_present=rng.choice(("", "", "staff", "family")),
                    consent=True,
                    status="finished",
                    started_at=started,
                    finished_at=started + timedelta(minutes=rng.randint(5, 40)),
                )
            )
        ids = _insert(db, Response, rows)
        answer_rows, choice_values = [], []
        for response_id, (questionnaire, _v), row in zip(ids, chosen, rows, strict=True):
            picked: dict[str, frozenset[str]] = {}
            for question in questionnaire.questions:
                if question.shown(picked):
                    kind, values, text = _answer(rng, question)
                else:  # its show_if is not met by the answers before it
                    kind, values, text = "not_asked", [], None
                if kind == "option":
                    picked[question.id] = frozenset(values)
                answer_rows.append(
                    dict(
                        response_id=response_id,
                        question_key=question.id,
                        kind=kind,
                        text=text,
                        submission_id=secrets.token_hex(8),
                        supported=row["helped_by"] != "" and rng.random() < 0.5,
                        created_at=row["started_at"],
                        updated_at=row["started_at"],
                    )
                )
                choice_values.append(values)
        answer_ids = _insert(db, Answer, answer_rows, locked=True)
        choices = [
            dict(answer_id=aid, value=v)
            for aid, values in zip(answer_ids, choice_values, strict=True)
            for v in values
        ]
        if choices:
            _insert(db, AnswerChoice, choices, ids=False)
        answers_added += len(answer_rows)
    mark_months_stale(db, organisation.id, start, now)  # months already stored now hold more
    db.flush()
    return answers_added


def answers_per_response(questionnaires: Iterable[Questionnaire]) -> float:
    """How many answers a demo response has on average (one per question of its questionnaire)."""
    sizes = [len(q.questions) for q in questionnaires if q.audience != "expert"]
    return sum(sizes) / len(sizes) if sizes else 1.0


def _insert(
    db: Session, model: type, rows: list[dict], *, ids: bool = True, locked: bool = False
) -> list[int]:
    """Insert ``rows``; their new ids, in order. On PostgreSQL with COPY (ids taken from the
    table's sequence first), so millions of answers take minutes, not hours. ``locked``: this
    transaction has written already, so on SQLite it holds the one write lock and may number the
    rows itself (an INSERT with RETURNING per row is what made a million answers slow there)."""
    if db.get_bind().dialect.name != "postgresql":
        if locked and ids:
            first = (db.scalar(select(func.max(model.id))) or 0) + 1  # type: ignore[attr-defined]
            new_ids = list(range(first, first + len(rows)))
            db.execute(insert(model), [dict(row, id=i) for row, i in zip(rows, new_ids, strict=True)])
            return new_ids
        if not ids:
            db.execute(insert(model), rows)
            return []
        returning = insert(model).returning(model.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
        return list(db.execute(returning, rows).scalars())
    table = model.__table__  # type: ignore[attr-defined]
    new_ids: list[int] = []
    if ids:
        sequence = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")
        new_ids = list(db.execute(sequence, {"table": table.name, "n": len(rows)}).scalars())
        rows = [dict(row, id=new_id) for row, new_id in zip(rows, new_ids, strict=True)]
    from psycopg import sql  # the PostgreSQL extra

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    raw = db.connection().connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])
    return new_ids


def stored_versions(db: Session) -> int:
    return len(db.scalars(select(QuestionnaireVersion.id)).all())
