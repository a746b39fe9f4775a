"""Figures kept for ended months and the ended days of the open month (issue 15, item 3) are
always the live count's.

The dashboard reads ended months, and the ended days of the open month, from stored grouped
counts and counts only today live. Each test compares with the all-live count
(``question_figures(..., stored=False)``, the GROUP BY the dashboard ran before) after something
that changes what is counted in an ended month or day: a late answer, a changed answer, "who
helped" at the closing questions, an offline tablet's items, a purge, the demo's bulk insert.
Each of those fails without its hook (mark_stale). Also: two readers computing one period at
once, a writer between a reader's count and its store, tenancy, a month's end replacing its
days, and a property test of random writes and reads.
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from helpers.visit_steps import open_visit_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from app.db import db
from app.demo.responses import add_responses
from app.models import (
    Answer,
    AnswerKind,
    FigurePeriod,
    FigureSnapshot,
    Organisation,
    Response,
    Service,
    StoredFigure,
    mark_stale,
    utcnow,
)
from app.models.figures import (
    CLOCK_MARGIN,
    DAY,
    KEEP_DAYS_FOR,
    MONTH,
    day_start,
    days_kept_from,
    month_start,
    next_month,
    spans_stored,
)
from app.reports import stored as stored_figures
from app.reports.counts import counts_query
from app.reports.figures import question_figures, version_ids
from app.respond import journey
from app.retention import purge_responses

SLUG = "your-support"
NOW = utcnow()
YEAR = NOW.year
#: the month before this one: ended, so stored
LAST_MONTH = month_start(month_start(NOW) - timedelta(days=1))
#: the months of the dashboard's two years that have ended by NOW (each kept once)
ENDED_MONTHS = len(
    stored_figures.closed_periods(stored_figures.MONTH, datetime(YEAR - 1, 1, 1, tzinfo=UTC), NOW)
)
#: the first day of this month: ended (unless today is the first), so stored as a day
FIRST_DAY = month_start(NOW)
#: how many days of this month have ended (each kept as a day)
ENDED_DAYS = (day_start(NOW) - FIRST_DAY).days
#: every ended day from the month 90 days back (an offline tablet's window): each kept as a day
#: (such an ended month is their sum)
KEPT_DAYS = (day_start(NOW) - days_kept_from(NOW)).days


def needs_an_ended_day() -> None:
    if ENDED_DAYS == 0:  # pragma: no cover - on the first of a month no day of it has ended
        pytest.skip("no day of this month has ended yet")


def forms(app: Flask) -> dict:
    return dict(app.extensions["easyvoice.surveys"].questionnaires)


def grouped(rows) -> dict:  # type: ignore[no-untyped-def]
    """Rows of grouped counts summed by their key, zeros dropped (as question_figures adds them)."""
    out: dict = defaultdict(int)
    for this, vid, sid, how, language, qkey, value, n in rows:
        out[(this, vid, sid, how, language or "", qkey, value)] += n
    return {key: n for key, n in out.items() if n}


def both(app: Flask, org_id: int, year: int = YEAR, as_of: datetime | None = None) -> tuple[dict, dict]:
    """(stored + live, all live) grouped counts of every questionnaire, in one fresh session."""
    with app.app_context():
        versions = list(version_ids(db.session, forms(app)))
        mine = grouped(stored_figures.grouped_counts(db.session, org_id, versions, year, as_of))
        live = grouped(db.session.execute(counts_query(org_id, versions, year, as_of)))
        db.session.commit()  # what a request's boundary does: the computed months are kept
    return mine, live


def assert_same(app: Flask, org_id: int, **kwargs) -> dict:  # type: ignore[no-untyped-def]
    mine, live = both(app, org_id, **kwargs)
    assert mine == live
    return live


def demo_org(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(Organisation.id).where(Organisation.slug == "demo"))


def with_responses(app: Flask, count: int = 150, seed: int = 5) -> int:
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, forms(app).values(), count, seed=seed)
        db.session.commit()
        return org.id


def snapshots(app: Flask, span: str = MONTH) -> int:
    """How many months (or days) have stored figures."""
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(FigureSnapshot).where(FigureSnapshot.span == span)
        )


def read(app: Flask, org_id: int, **kwargs) -> stored_figures.Done:  # type: ignore[no-untyped-def]
    """What a dashboard read did (kept, counted and stored)."""
    with app.app_context():
        done = stored_figures.Done()
        versions = list(version_ids(db.session, forms(app)))
        stored_figures.grouped_counts(db.session, org_id, versions, YEAR, done=done, **kwargs)
        db.session.commit()
    return done


def respond_in(app: Flask, when: datetime, value: str | None = None, service: str = "Oak House") -> int:
    """A person at ``service`` answers the first question, their response started at ``when``
    (as an offline tablet's start sets it); returns the response's id."""
    form = forms(app)[SLUG]
    question = form.questions[0]
    with app.app_context():
        place = db.session.scalars(select(Service).where(Service.name == service)).one()
        response = journey.start_response(
            db.session,
            questionnaire=form,
            service=place,
            client_id=secrets.token_hex(16),
            answered_by="self",
            language="en_GB",
        )
        response.started_at = when
        db.session.flush()
        journey.record_answer(
            db.session,
            response,
            question.id,
            journey.Given(AnswerKind.OPTION, values=(value or question.choices[0].value,)),
            secrets.token_hex(8),
        )
        db.session.commit()
        return response.id


def answer_again(app: Flask, response_id: int, value: str) -> None:
    form = forms(app)[SLUG]
    with app.app_context():
        response = db.session.get(Response, response_id)
        journey.record_answer(
            db.session,
            response,
            form.questions[0].id,
            journey.Given(AnswerKind.OPTION, values=(value,)),
            secrets.token_hex(8),
        )
        db.session.commit()


# -- the same figures ---------------------------------------------------------------------------


def test_stored_figures_equal_the_live_count_cold_and_warm(app: Flask) -> None:
    org_id = with_responses(app, 400)
    assert snapshots(app) == 0
    live = assert_same(app, org_id)  # cold: every ended month counted and stored
    assert live, "the demo's answers are counted"
    months = snapshots(app)
    assert months == ENDED_MONTHS
    with app.app_context():
        done = stored_figures.Done()
        versions = list(version_ids(db.session, forms(app)))
        stored_figures.grouped_counts(db.session, org_id, versions, YEAR, done=done)
        assert (done.stored, done.computed) == (months, 0)  # warm: nothing counted again
        assert db.session.scalar(select(func.count()).select_from(StoredFigure)) > 0
    assert_same(app, org_id)
    assert_same(app, org_id, as_of=NOW - timedelta(days=40))  # a cut-off inside an ended month
    assert_same(app, org_id, year=YEAR - 1)  # a year that has ended: nothing live at all


def test_the_dashboards_suppressed_figures_are_the_live_ones(app: Flask) -> None:
    org_id = with_responses(app, 300)
    with app.app_context():
        for stored in (True, False, True):  # cold, reference, warm
            got = question_figures(db.session, org_id, 5, YEAR, forms(app), stored=stored)
            db.session.commit()
            if stored is False:
                reference = got
        warm = question_figures(db.session, org_id, 5, YEAR, forms(app))
    assert [(f.key, f.overall, f.last_year, f.by_service, f.by_how, f.by_language) for f in warm] == [
        (f.key, f.overall, f.last_year, f.by_service, f.by_how, f.by_language) for f in reference
    ]


# -- every write to an ended month makes its stored figures stale -------------------------------


def test_a_late_answer_to_an_ended_month(app: Flask) -> None:
    org_id = demo_org(app)
    respond_in(app, LAST_MONTH + timedelta(days=3))
    before = assert_same(app, org_id)
    respond_in(app, LAST_MONTH + timedelta(days=5))  # e.g. started just before the month ended
    after = assert_same(app, org_id)
    assert sum(after.values()) == sum(before.values()) + 1


def test_a_changed_answer_in_an_ended_month(app: Flask) -> None:
    org_id = demo_org(app)
    question = forms(app)[SLUG].questions[0]
    response_id = respond_in(app, LAST_MONTH + timedelta(days=3), question.choices[0].value)
    assert_same(app, org_id)
    answer_again(app, response_id, question.choices[-1].value)  # Back, and another answer
    after = assert_same(app, org_id)
    assert any(key[-1] == question.choices[-1].value for key in after)


def helped_then(app: Flask, started: datetime) -> None:
    """A response started at ``started``, then "who helped" given (the closing questions): the
    figures move from "own" to "helped", kept periods and live alike."""
    org_id = demo_org(app)
    response_id = respond_in(app, started)
    before = assert_same(app, org_id)
    assert {key[3] for key in before} == {"own"}
    with app.app_context():
        journey.record_context(db.session.get(Response, response_id), helped_by=["staff"])
        db.session.commit()
    after = assert_same(app, org_id)
    assert {key[3] for key in after} == {"helped"}


def test_who_helped_given_at_the_closing_questions(app: Flask) -> None:
    helped_then(app, LAST_MONTH + timedelta(days=3))


def test_an_offline_tablets_answers_weeks_later(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    assert client.get(f"/visits/{visit_id}/ready").status_code == 200
    package = client.get(f"/visits/{visit_id}/ready/package").get_json()
    org_id = demo_org(app)
    given_at = (LAST_MONTH + timedelta(days=2, hours=10)).isoformat()
    if LAST_MONTH < NOW - timedelta(days=85):  # pragma: no cover - the tablet's window is 90 days
        pytest.skip("last month is past the offline window")
    respond_in(app, LAST_MONTH + timedelta(days=1))  # so the month has stored figures
    before = assert_same(app, org_id)
    question = forms(app)[SLUG].questions[0]
    response = uuid.uuid4().hex

    def send(**item: object) -> None:
        item = {"response": response, "given_at": given_at, **item}
        body = json.dumps({"key": package["key"], "item": item})
        result = client.post("/offline/send", data=body, content_type="application/json")
        assert result.status_code == 200, result.get_data(as_text=True)

    send(kind="start", version=package["questionnaires"][SLUG]["version"], language="en_GB")
    send(kind="answer", question=question.id, values=[question.choices[1].value], id=uuid.uuid4().hex)
    after = assert_same(app, org_id)
    assert sum(after.values()) == sum(before.values()) + 1
    send(kind="people", step="helped", people=["family"])
    assert_same(app, org_id)


def test_a_purge_takes_the_purged_answers_out_of_stored_figures(app: Flask) -> None:
    org_id = with_responses(app, 200)
    before = assert_same(app, org_id)
    with app.app_context():
        purged = purge_responses(db.session, (NOW - (LAST_MONTH + timedelta(days=10))).days)
        db.session.commit()
    assert purged
    after = assert_same(app, org_id)
    assert sum(after.values()) < sum(before.values())


def test_the_demos_bulk_insert_into_ended_months(app: Flask) -> None:
    org_id = with_responses(app, 100, seed=1)
    before = assert_same(app, org_id)
    after_first = snapshots(app)
    with_responses(app, 100, seed=2)
    after = assert_same(app, org_id)
    assert sum(after.values()) > sum(before.values())
    assert snapshots(app) > after_first  # the ended months were counted again


# -- races ----------------------------------------------------------------------------------------


def test_a_writer_between_a_readers_count_and_its_store(app: Flask) -> None:
    """The reader's snapshot is labelled with the generation it read before counting: the late
    answer committed meanwhile raised the month's generation, so that snapshot is never current."""
    org_id = demo_org(app)
    respond_in(app, LAST_MONTH + timedelta(days=3))
    assert_same(app, org_id)  # stored, generation 1 (the first late answer made the row)
    with app.app_context():
        engine = db.engine
        reader = Session(engine)
        period = reader.execute(
            select(FigurePeriod.generation, FigurePeriod.changed_at).where(
                FigurePeriod.organisation_id == org_id, FigurePeriod.starts_at == LAST_MONTH
            )
        ).one()
        counted = stored_figures.count_months(reader, org_id, [LAST_MONTH])
        reader.commit()
        respond_in(app, LAST_MONTH + timedelta(days=4))  # commits, raising the generation
        stored_figures.store_months(reader, org_id, {LAST_MONTH: tuple(period)}, counted, NOW)
        reader.commit()
        reader.close()
    assert_same(app, org_id)


def test_two_readers_computing_the_same_months_at_once(app: Flask) -> None:
    org_id = with_responses(app, 100)
    _mine, live = both_without_storing(app, org_id)
    errors: list[BaseException] = []
    results: list[dict] = []
    with app.app_context():
        engine = db.engine
        versions = list(version_ids(db.session, forms(app)))
    first = Session(engine)
    results.append(grouped(stored_figures.grouped_counts(first, org_id, versions, YEAR)))  # not committed

    def second() -> None:
        session = Session(engine)
        try:
            results.append(grouped(stored_figures.grouped_counts(session, org_id, versions, YEAR)))
            session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            session.close()

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.5)  # it waits for the first reader's rows (PostgreSQL) or its write lock (SQLite)
    first.commit()
    first.close()
    thread.join(60)
    assert not thread.is_alive()
    assert errors == []
    assert results == [live, live]
    with app.app_context():
        per_period = db.session.execute(
            select(FigureSnapshot.span, FigureSnapshot.starts_at, func.count()).group_by(
                FigureSnapshot.span, FigureSnapshot.starts_at
            )
        ).all()
    assert per_period and all(n == 1 for _span, _start, n in per_period)
    assert sum(span == DAY for span, _start, _n in per_period) == KEPT_DAYS  # each day stored once
    assert_same(app, org_id)


def both_without_storing(app: Flask, org_id: int) -> tuple[dict, dict]:
    with app.app_context():
        versions = list(version_ids(db.session, forms(app)))
        live = grouped(db.session.execute(counts_query(org_id, versions, YEAR)))
    return live, live


# -- tenancy ----------------------------------------------------------------------------------------


def test_one_organisations_stored_figures_never_reach_another(app: Flask) -> None:
    org_id = demo_org(app)
    with app.app_context():
        other = Organisation(name="Other", slug="other", suppression_threshold=5)
        db.session.add(other)
        db.session.flush()
        db.session.add(Service(organisation_id=other.id, name="Elm House"))
        db.session.commit()
        other_id = other.id
    for _ in range(3):
        respond_in(app, LAST_MONTH + timedelta(days=3), service="Elm House")
    respond_in(app, LAST_MONTH + timedelta(days=3))
    theirs = assert_same(app, other_id)
    mine = assert_same(app, org_id)
    assert sum(theirs.values()) == 3 and sum(mine.values()) == 1
    assert_same(app, org_id)  # warm, from stored figures
    with app.app_context():
        owners = set(db.session.scalars(select(FigureSnapshot.organisation_id)))
        assert owners == {org_id, other_id}


# -- random writes and reads ---------------------------------------------------------------------

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["answer", "change", "helped", "read"]),
        st.integers(min_value=0, max_value=13),  # months back from this one
        st.integers(min_value=0, max_value=3),  # which option
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_random_writes_and_reads_always_agree_with_the_live_count(app: Flask, steps: list) -> None:
    org_id = demo_org(app)
    question = forms(app)[SLUG].questions[0]
    values = [c.value for c in question.choices]
    made: list[int] = []
    for action, back, option in steps:
        month = month_start(NOW)
        for _ in range(back):
            month = month_start(month - timedelta(days=1))
        when = min(month + timedelta(days=2, hours=option), NOW - timedelta(minutes=1))
        if action == "answer" or not made:
            made.append(respond_in(app, when, values[option % len(values)]))
        elif action == "change":
            answer_again(app, made[option % len(made)], values[(option + 1) % len(values)])
        elif action == "helped":
            with app.app_context():
                response = db.session.get(Response, made[option % len(made)])
                journey.record_context(response, helped_by=[] if response.helped_by else ["friend"])
                db.session.commit()
        assert_same(app, org_id)
        assert_same(app, org_id, as_of=month + timedelta(days=1))
    assert next_month(LAST_MONTH) == month_start(NOW)


def test_an_ended_month_without_a_hook_would_be_stale(app: Flask) -> None:
    """What the hooks prevent: a write that bypasses them leaves the stored month behind."""
    org_id = demo_org(app)
    response_id = respond_in(app, LAST_MONTH + timedelta(days=3))
    assert_same(app, org_id)
    with app.app_context():  # a write that does not go through journey (no mark_stale)
        db.session.execute(update(Response).where(Response.id == response_id).values(answered_by="family"))
        db.session.commit()
    mine, live = both(app, org_id)
    assert mine != live


# -- the commands ---------------------------------------------------------------------------------


def test_demo_answers_keeps_its_figures_before_any_reader(app: Flask) -> None:
    """`flask demo --answers N` makes about N answers (bulk insert, COPY on PostgreSQL) at the
    services asked for, and counts and keeps every ended month and day itself: over a large
    provider's year that first count is longer than a reader should wait, so the first reader
    of the dashboard finds them kept (`flask refresh-figures` then has nothing to do)."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--answers", "6000", "--services", "8", "--days", "200"])
    assert result.exit_code == 0, result.output
    org_id = demo_org(app)
    with app.app_context():
        answers = db.session.scalar(select(func.count()).select_from(Answer))
        services = len(set(db.session.scalars(select(Response.service_id))))
        first = db.session.scalar(select(func.min(Response.started_at)))
    assert 5000 < answers < 7000 and services == 8
    assert first >= NOW - timedelta(days=201)
    months = ENDED_MONTHS
    assert f"Counted and kept {months} months and {KEPT_DAYS} days" in result.output
    assert (snapshots(app), snapshots(app, DAY)) == (months, KEPT_DAYS)
    done = read(app, org_id)  # the first reader
    assert (done.stored, done.computed, done.days_computed) == (months, 0, 0)
    assert_same(app, org_id)
    assert "Counted and kept 0 months and 0 days" in runner.invoke(args=["refresh-figures"]).output


def test_flask_purge_keeps_the_months_it_changed_before_any_reader(app: Flask) -> None:
    """`flask purge` takes answers out of kept months (they go stale) and counts those months
    again itself, so the next reader does not."""
    org_id = with_responses(app, 200)
    before = assert_same(app, org_id)  # every ended month kept
    days = (NOW - (LAST_MONTH + timedelta(days=10))).days
    result = app.test_cli_runner().invoke(args=["purge", "--older-than", str(days)])
    assert result.exit_code == 0, result.output
    assert "Deleted 0 responses" not in result.output
    assert "Counted and kept 0 months" not in result.output and "Counted and kept" in result.output
    done = read(app, org_id)
    assert (done.stored, done.computed) == (ENDED_MONTHS, 0)
    after = assert_same(app, org_id)
    assert sum(after.values()) < sum(before.values())


def test_the_audio_worker_keeps_a_stale_month_again_at_once(app: Flask) -> None:
    """Between texts the audio worker keeps the figures of periods that have just ended (every
    FIGURES_REFRESH_SECONDS) and, at its next look, a kept month a late answer has made stale,
    not 15 minutes later: the reader after an offline tablet's late answer finds it kept."""
    from app.cli import FigureKeeper

    org_id = with_responses(app, 100)
    keeper = FigureKeeper(every=900.0)
    with app.app_context():
        assert keeper.keep_if_due()  # the first look: nothing kept yet
        assert not keeper.keep_if_due()  # nothing changed, not due: no count
    assert snapshots(app) == ENDED_MONTHS
    respond_in(app, LAST_MONTH + timedelta(days=4))  # an offline tablet's late answer
    with app.app_context():
        assert keeper.keep_if_due()  # the month went stale: kept again at once
        assert not keeper.keep_if_due()
    done = read(app, org_id)
    assert (done.stored, done.computed) == (ENDED_MONTHS, 0)
    assert_same(app, org_id)
    with app.app_context():
        assert not FigureKeeper(every=0).keep_if_due()  # 0: the worker never counts


# -- the ended days of the open month -------------------------------------------------------------


def test_the_open_months_ended_days_are_kept_and_only_today_is_live(app: Flask) -> None:
    needs_an_ended_day()
    org_id = with_responses(app, 100)
    for day in range(ENDED_DAYS):
        respond_in(app, FIRST_DAY + timedelta(days=day, hours=9))
    assert_same(app, org_id)  # cold: the days counted and stored
    assert snapshots(app, DAY) == KEPT_DAYS  # this month's ended days, and those of ended months
    done = read(app, org_id)
    assert (done.days_stored, done.days_computed) == (ENDED_DAYS, 0)  # warm: kept
    assert done.live_from == day_start(NOW)
    assert_same(app, org_id)
    assert_same(app, org_id, as_of=day_start(NOW))  # the staff dashboard's cut-off: nothing live
    assert_same(app, org_id, as_of=day_start(NOW) - timedelta(hours=5))  # a cut-off in an ended day


def day_generation(app: Flask, org_id: int, day: datetime) -> int | None:
    with app.app_context():
        return db.session.scalar(
            select(FigurePeriod.generation).where(
                FigurePeriod.organisation_id == org_id,
                FigurePeriod.span == DAY,
                FigurePeriod.starts_at == day,
            )
        )


def test_a_late_answer_to_an_earlier_day_of_the_open_month(app: Flask) -> None:
    """An offline tablet's answer to a response started on an earlier day: that day's kept
    figures are no longer used, its count changes, and the other days stay kept."""
    needs_an_ended_day()
    org_id = demo_org(app)
    respond_in(app, FIRST_DAY + timedelta(hours=3))
    before = assert_same(app, org_id)
    assert day_generation(app, org_id, FIRST_DAY) == 1  # the first answer (to an ended day) made it
    respond_in(app, FIRST_DAY + timedelta(hours=5))
    assert day_generation(app, org_id, FIRST_DAY) == 2  # the write raised the day's generation
    done = read(app, org_id)
    assert (done.days_stored, done.days_computed) == (ENDED_DAYS - 1, 1)  # that day counted again
    after = assert_same(app, org_id)
    assert sum(after.values()) == sum(before.values()) + 1


def test_a_changed_answer_on_an_earlier_day(app: Flask) -> None:
    needs_an_ended_day()
    org_id = demo_org(app)
    question = forms(app)[SLUG].questions[0]
    response_id = respond_in(app, FIRST_DAY + timedelta(hours=3), question.choices[0].value)
    assert_same(app, org_id)
    answer_again(app, response_id, question.choices[-1].value)
    after = assert_same(app, org_id)
    assert any(key[-1] == question.choices[-1].value for key in after)


def test_who_helped_given_after_midnight(app: Flask) -> None:
    """Started yesterday, "who helped" given at the closing questions today."""
    needs_an_ended_day()
    helped_then(app, day_start(NOW) - timedelta(minutes=10))


def test_a_purge_into_the_open_month(app: Flask) -> None:
    needs_an_ended_day()
    org_id = with_responses(app, 100)
    respond_in(app, FIRST_DAY + timedelta(hours=1))
    respond_in(app, FIRST_DAY + timedelta(hours=2))
    before = assert_same(app, org_id)
    with app.app_context():
        purged = purge_responses(db.session, (NOW - (FIRST_DAY + timedelta(hours=12))).days)
        db.session.commit()
    assert purged
    after = assert_same(app, org_id)
    assert sum(after.values()) < sum(before.values())


def test_the_demos_bulk_insert_into_ended_days(app: Flask) -> None:
    needs_an_ended_day()
    org_id = demo_org(app)
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        add_responses(db.session, org, forms(app).values(), 30, seed=1, since=FIRST_DAY)
        db.session.commit()
    before = assert_same(app, org_id)
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        add_responses(db.session, org, forms(app).values(), 30, seed=2, since=FIRST_DAY)
        db.session.commit()
    done = read(app, org_id)
    assert done.days_computed == ENDED_DAYS  # every ended day counted again
    after = assert_same(app, org_id)
    assert sum(after.values()) > sum(before.values())


def test_todays_writes_mark_nothing(app: Flask) -> None:
    if NOW + CLOCK_MARGIN >= day_start(NOW) + timedelta(days=1):  # pragma: no cover - near midnight
        pytest.skip("within the clock margin of midnight today's writes mark today")
    org_id = demo_org(app)
    respond_in(app, NOW - timedelta(minutes=1))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FigurePeriod)) == 0
    assert_same(app, org_id)


def test_which_periods_a_write_marks() -> None:
    """A month once ended; a day once ended, from the month KEEP_DAYS_FOR (90 days) back (by the
    writer's clock less the margin); nothing for today."""
    day = datetime(2026, 3, 10, 14, tzinfo=UTC)
    assert spans_stored(day, datetime(2026, 3, 10, 18, tzinfo=UTC)) == []  # today
    assert spans_stored(day, datetime(2026, 3, 10, 23, 30, tzinfo=UTC)) == [DAY]  # within the margin
    assert spans_stored(day, datetime(2026, 3, 11, 1, tzinfo=UTC)) == [DAY]  # yesterday
    assert spans_stored(day, datetime(2026, 4, 1, 0, 30, tzinfo=UTC)) == [MONTH, DAY]  # month just ended
    assert spans_stored(day, datetime(2026, 4, 1, 2, tzinfo=UTC)) == [MONTH, DAY]  # summed from its days
    assert spans_stored(day, datetime(2026, 6, 29, 23, tzinfo=UTC)) == [MONTH, DAY]  # March is 90 days back
    assert spans_stored(day, datetime(2026, 6, 30, 0, 30, tzinfo=UTC)) == [MONTH, DAY]  # within the margin
    assert spans_stored(day, datetime(2026, 6, 30, 2, tzinfo=UTC)) == [MONTH]  # March's days are dropped


def test_days_are_kept_as_far_back_as_an_offline_tablet_sends_answers() -> None:
    """A late answer can come from an offline tablet up to its key's age (``offline.MAX_AGE``):
    every month it can reach is summed from its days (only the changed day counted again)."""
    from app.respond.offline import MAX_AGE

    assert KEEP_DAYS_FOR >= timedelta(seconds=MAX_AGE)
    now = datetime(2026, 6, 15, 12, tzinfo=UTC)
    assert days_kept_from(now) <= now - timedelta(seconds=MAX_AGE)


def read_at(app: Flask, org_id: int, year: int, now: datetime) -> tuple[dict, dict, stored_figures.Done]:
    """(stored + live, all live, what the read did) for a reader whose clock says ``now``."""
    with app.app_context():
        versions = list(version_ids(db.session, forms(app)))
        done = stored_figures.Done()
        mine = grouped(stored_figures.grouped_counts(db.session, org_id, versions, year, now=now, done=done))
        live = grouped(db.session.execute(counts_query(org_id, versions, year)))
        db.session.commit()
    return mine, live, done


def test_a_late_answer_after_a_month_ended_counts_only_its_day_again(app: Flask) -> None:
    """A reader after the month ended keeps it as a month (its own generation, not its first
    day's), summed from its kept days and the days not kept yet; a late write after that marks
    the month and its day, and the next read counts that one day again and reads the others
    back; the days go once they are older than an offline tablet's window."""
    needs_an_ended_day()
    org_id = with_responses(app, 100)
    respond_in(app, FIRST_DAY + timedelta(hours=3))  # the first day has a generation (1), the month none
    assert_same(app, org_id)
    assert snapshots(app, DAY) == KEPT_DAYS
    year = FIRST_DAY.year
    end = next_month(FIRST_DAY)
    not_kept_yet = (end - FIRST_DAY).days - ENDED_DAYS  # today and the days after it
    soon = end + timedelta(minutes=30)
    mine, live, done = read_at(app, org_id, year, soon)
    assert mine == live
    assert (done.computed, done.rolled_up, done.month_days_counted) == (1, 1, not_kept_yet)
    mine, live, done = read_at(app, org_id, year, soon)  # warm: the month's snapshot is current
    assert mine == live
    assert (done.computed, done.days_stored, done.days_computed, done.month_days_counted) == (0, 0, 0, 0)
    later = end + timedelta(hours=2)
    with app.app_context():  # a late write after the month ended, as a writer at ``later`` marks it
        assert mark_stale(db.session, org_id, FIRST_DAY + timedelta(hours=3), now=later)
        db.session.commit()
    mine, live, done = read_at(app, org_id, year, later)
    assert mine == live
    assert (done.computed, done.month_days_counted) == (1, 1)  # one day counted, not the month
    with app.app_context():
        kept = db.session.scalars(
            select(FigureSnapshot.starts_at).where(
                FigureSnapshot.span == MONTH, FigureSnapshot.starts_at == FIRST_DAY
            )
        ).all()
    assert FIRST_DAY in kept  # the month's own snapshot
    # Half a year on, these days are past what is kept: dropped with their generations.
    far = end + timedelta(days=200)
    read_at(app, org_id, far.year, far)
    gone = end
    with app.app_context():
        old_days = db.session.scalar(
            select(func.count()).where(FigureSnapshot.span == DAY, FigureSnapshot.starts_at < gone)
        )
        old_periods = db.session.scalar(
            select(func.count()).where(FigurePeriod.span == DAY, FigurePeriod.starts_at < gone)
        )
    assert (old_days, old_periods) == (0, 0)


def test_a_writer_between_a_readers_count_and_its_store_of_a_day(app: Flask) -> None:
    needs_an_ended_day()
    org_id = demo_org(app)
    respond_in(app, FIRST_DAY + timedelta(hours=3))
    assert_same(app, org_id)
    with app.app_context():
        reader = Session(db.engine)
        period = reader.execute(
            select(FigurePeriod.generation, FigurePeriod.changed_at).where(
                FigurePeriod.organisation_id == org_id,
                FigurePeriod.span == DAY,
                FigurePeriod.starts_at == FIRST_DAY,
            )
        ).one()
        counted = stored_figures.count_months(reader, org_id, [FIRST_DAY], span=DAY)
        reader.commit()
        respond_in(app, FIRST_DAY + timedelta(hours=4))  # commits, raising the day's generation
        stored_figures.store_months(reader, org_id, {FIRST_DAY: tuple(period)}, counted, NOW, span=DAY)
        reader.commit()
        reader.close()
    assert_same(app, org_id)


def test_an_ended_day_without_a_hook_would_be_stale(app: Flask) -> None:
    """What the hooks prevent on a day: a write that bypasses them leaves the kept day behind."""
    needs_an_ended_day()
    org_id = demo_org(app)
    response_id = respond_in(app, FIRST_DAY + timedelta(hours=3))
    assert_same(app, org_id)
    with app.app_context():
        db.session.execute(update(Response).where(Response.id == response_id).values(answered_by="family"))
        db.session.commit()
    mine, live = both(app, org_id)
    assert mine != live


def test_a_cut_off_in_an_ended_month_counts_its_days_live(app: Flask) -> None:
    """Days are read directly only of the month open now: a cut-off in last month counts its
    part of that month live (its days are not kept by that read), so a late write there is counted."""
    org_id = demo_org(app)
    cut = LAST_MONTH + timedelta(days=5)
    respond_in(app, LAST_MONTH + timedelta(days=3, hours=3))
    assert_same(app, org_id, as_of=cut)
    assert read(app, org_id, as_of=cut).days_computed == 0  # no day of last month counted as a day
    respond_in(app, LAST_MONTH + timedelta(days=3, hours=4))
    after = assert_same(app, org_id, as_of=cut)
    assert sum(after.values()) == 2
    with app.app_context():
        last_months_days = select(func.count()).where(
            FigureSnapshot.starts_at >= LAST_MONTH,
            FigureSnapshot.starts_at < FIRST_DAY,
            FigureSnapshot.span == DAY,
        )
        assert db.session.scalar(last_months_days) == 0


def _month_with_kept_days(app: Flask) -> tuple[int, int, datetime]:
    """Answers on each ended day of this month (kept as days by a read) and on its last day
    (which ends with the month, so is not kept as a day while it is open); (organisation, year,
    the month's end)."""
    needs_an_ended_day()
    org_id = with_responses(app, 100)
    for day in range(ENDED_DAYS):
        respond_in(app, FIRST_DAY + timedelta(days=day, hours=9))
    end = next_month(FIRST_DAY)
    respond_in(app, end - timedelta(hours=4))
    assert_same(app, org_id)
    assert snapshots(app, DAY) == KEPT_DAYS
    return org_id, FIRST_DAY.year, end


def test_a_month_just_ended_is_summed_from_its_kept_days(app: Flask) -> None:
    """The first read after a month ended reads its current kept days back and counts only the
    days without one, not the whole month's answers again; a day changed since it was kept is
    counted again; the month's snapshot then serves later reads."""
    org_id, year, end = _month_with_kept_days(app)
    respond_in(app, FIRST_DAY + timedelta(hours=10))  # a late answer to a kept day: counted again
    soon = end + timedelta(minutes=10)
    mine, live, done = read_at(app, org_id, year, soon)
    assert mine == live
    assert (done.computed, done.rolled_up) == (1, 1)
    assert done.month_days_counted == 1 + (end - FIRST_DAY).days - ENDED_DAYS  # that day, and those not kept
    mine, live, done = read_at(app, org_id, year, soon + timedelta(minutes=1))
    assert mine == live
    assert (done.computed, done.rolled_up) == (0, 0)  # kept


def test_summing_a_month_from_its_days_reads_the_kept_days(app: Flask) -> None:
    """What shows the sum read the kept days, not the answers: a write that bypasses the hooks
    leaves a kept day behind, and a month summed from it is behind too; once that day is marked
    (as a writer after the month ended marks it), the month is summed again with it counted."""
    org_id, year, end = _month_with_kept_days(app)
    with app.app_context():
        first = db.session.scalars(
            select(Response.id).where(Response.started_at == FIRST_DAY + timedelta(hours=9))
        ).one()
        db.session.execute(update(Response).where(Response.id == first).values(answered_by="family"))
        db.session.commit()
    mine, live, done = read_at(app, org_id, year, end + timedelta(minutes=10))
    assert done.rolled_up == 1
    assert mine != live
    with app.app_context():  # the month changes (as a writer after it ended marks it): counted again
        mark_stale(db.session, org_id, FIRST_DAY + timedelta(hours=9), now=end + timedelta(minutes=40))
        db.session.commit()
    mine, live, done = read_at(app, org_id, year, end + timedelta(minutes=45))
    assert (done.computed, done.rolled_up, done.month_days_counted) == (1, 1, 1)
    assert mine == live


def test_kept_figures_go_in_by_copy_or_the_drivers_own_executemany(app: Flask) -> None:
    """On PostgreSQL a period's rows go in through COPY (executemany took about 90 µs a row, most
    of a cold read), on SQLite through sqlite3's own executemany of tuples (SQLAlchemy's bulk
    insert of dicts was half of keeping a year of days): no INSERT of them passes through
    SQLAlchemy on either."""
    org_id = with_responses(app, 60)
    inserts: list[str] = []
    with app.app_context():
        engine = db.engine

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO STORED_FIGURE"):
            inserts.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert_same(app, org_id)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    with app.app_context():
        kept = db.session.scalar(select(func.count()).select_from(StoredFigure))
    assert kept  # rows were stored
    assert not inserts
