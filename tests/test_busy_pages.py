"""Pages a busy person can read (issue 10, item 13): "What stands out" at the top of the figures
pages, built only from figures that stay shown after small-number suppression; open alerts for
those who may see them; local times; self-assessments linked from the top of the dashboard; the
evidence picker grouped by questionnaire with labels that are all different."""

from __future__ import annotations

import html
import re
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask
from helpers.app import add_users, sign_in_as
from helpers.world import signed_in, token, written_answer
from sqlalchemy import select

from app.db import db
from app.models import AnswerKind, Challenge, Organisation, SelfAssessment, Service, utcnow
from app.respond import journey

YEAR = 2024  # a finished year: the dashboard's "counted from tomorrow" cut-off plays no part
URL = f"/provider/questionnaire/your-support?year={YEAR}"


def answer(app: Flask, question: str, values: dict[str, int], year: int = YEAR) -> None:
    """For each value, that many people at Oak House gave it to ``question`` in ``year``."""
    form = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    with app.app_context():
        oak = db.session.scalars(select(Service).where(Service.name == "Oak House")).one()
        for value, people in values.items():
            for _ in range(people):
                response = journey.start_response(
                    db.session,
                    questionnaire=form,
                    service=oak,
                    client_id=secrets.token_hex(16),
                    answered_by="self",
                    language="en_GB",
                )
                db.session.flush()
                journey.record_answer(
                    db.session,
                    response,
                    question,
                    journey.Given(AnswerKind.OPTION, values=(value,)),
                    secrets.token_hex(8),
                )
                response.started_at = datetime(year, 3, 1, 12, tzinfo=UTC)
        db.session.commit()


def summary_of(page: str) -> str:
    """The "What stands out" section of a page, as HTML."""
    start = page.index('<section class="stands-out"')
    return page[start : page.index("</section>", start)]


def question_text(app: Flask, key: str) -> str:
    form = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    return html.escape(form.question(key).text, quote=False)


def test_top_sad_share_comes_first_and_a_suppressed_group_is_never_named(app: Flask) -> None:
    add_users(app)
    # "kind": 4 of 4 sad: the largest share of all, but 4 is under 5, so hidden: never ranked
    answer(app, "kind", {"sad": 4})
    # "listened": 5 sad of 10 (50%); "safe_home": 6 sad of 20 (30%); "doctor": 5 no of 25 (20%)
    answer(app, "listened", {"sad": 5, "happy": 5})
    answer(app, "safe_home", {"sad": 6, "happy": 14})
    answer(app, "doctor", {"no": 5, "yes": 20})
    lead = app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    page = lead.get(URL).get_data(as_text=True)
    summary = summary_of(page)
    assert "What stands out" in summary
    # ranked by share, largest first, with shown figures only
    order = [summary.index(question_text(app, key)) for key in ("listened", "safe_home", "doctor")]
    assert order == sorted(order)
    assert "50% (5 of 10)" in summary
    assert "30% (6 of 20)" in summary
    # the hidden group: not named, not ranked, and no count under 5 anywhere in the summary
    assert question_text(app, "kind") not in summary
    assert "100%" not in summary
    assert "fewer than" not in summary
    counts = [int(n) for pair in re.findall(r"\((\d+) of (\d+)\)", summary) for n in pair]
    assert counts and all(n >= 5 for n in counts), counts
    # the details are still on the page, folded per Driving Up Quality section, all closed
    assert question_text(app, "kind") in page
    folds = re.findall(r"<details class=\"fold\"[^>]*>", page)
    assert folds and not any(" open" in fold for fold in folds)
    assert "Support is focussed on the person" in page


def test_too_few_answers_to_say(app: Flask) -> None:
    add_users(app)
    answer(app, "kind", {"sad": 4})
    viewer = app.test_client()
    sign_in_as(viewer, "viewer@demo.example")
    summary = summary_of(viewer.get(URL).get_data(as_text=True))
    assert "Too few answers to say." in summary
    assert question_text(app, "kind") not in summary
    # a viewer does not see safeguarding alerts, not even how many
    assert "safeguarding" not in summary


def test_changes_against_last_year_only_where_both_years_are_shown(app: Flask) -> None:
    add_users(app)
    answer(app, "safe_home", {"sad": 6, "happy": 14})  # 30% now
    answer(app, "safe_home", {"sad": 10, "happy": 10}, year=YEAR - 1)  # 50% last year
    answer(app, "listened", {"sad": 5, "happy": 15})  # 25% now
    answer(app, "listened", {"sad": 3, "happy": 17}, year=YEAR - 1)  # last year's 3 is hidden
    lead = app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    summary = summary_of(lead.get(URL).get_data(as_text=True))
    changes = summary[summary.index("Bad answers since last year") :]
    assert question_text(app, "safe_home") in changes
    assert "down from 50% to 30%" in changes
    assert question_text(app, "listened") not in changes
    assert "15%" not in changes  # 3 of 20: never worked out from a hidden figure


def test_open_alerts_in_the_summary_for_those_who_may_see_them(app: Flask) -> None:
    add_users(app)
    written_answer(app, "Someone hurt me at night", alert=True)
    lead = app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    summary = summary_of(lead.get(URL).get_data(as_text=True))
    assert "1 open safeguarding alert" in summary
    assert 'href="/provider/alerts"' in summary
    section = summary_of(lead.get(f"/provider/section/duq:1?year={YEAR}").get_data(as_text=True))
    assert "1 open safeguarding alert" in section
    viewer = app.test_client()
    sign_in_as(viewer, "viewer@demo.example")
    assert "open safeguarding alert" not in summary_of(viewer.get(URL).get_data(as_text=True))


def test_section_page_folds_per_questionnaire(app: Flask) -> None:
    add_users(app)
    answer(app, "listened", {"sad": 5, "happy": 5})
    viewer = app.test_client()
    sign_in_as(viewer, "viewer@demo.example")
    page = viewer.get(f"/provider/section/duq:1?year={YEAR}").get_data(as_text=True)
    titles = re.findall(r'<summary><span class="fold-title">([^<]+)</span>', page)
    forms = app.extensions["easyvoice.surveys"].questionnaires
    assert [html.unescape(t) for t in titles] == [q.title for q in forms.values() if q.audience != "expert"]
    assert question_text(app, "listened") in summary_of(page)


def test_dashboard_shows_times_in_local_summer_time_and_links_self_assessments_at_the_top(
    app: Flask,
) -> None:
    add_users(app)
    with app.app_context():
        demo = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        published = SelfAssessment(
            organisation_id=demo.id,
            period=YEAR,
            status="published",
            published_at=utcnow(),
            snapshot={"period": YEAR, "sections": {}},
        )
        db.session.add(published)
        db.session.flush()
        # 23:30 UTC on 1 July is 00:30 on 2 July in London (British Summer Time)
        due = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
        db.session.add(
            Challenge(
                self_assessment_id=published.id,
                received_at=due - timedelta(weeks=4),
                due_at=due,
                what="You say people choose.",
                relation="family",
            )
        )
        db.session.commit()
    lead = app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    page = lead.get("/provider/").get_data(as_text=True)
    assert "answer by 2 July 2026" in page
    assert "01 Jul 2026" not in page
    main = page[page.index("<main") :]
    assert main.index('href="/provider/assessments"') < main.index("Safeguarding alerts")


def test_evidence_picker_is_grouped_by_questionnaire_with_distinct_labels(app: Flask) -> None:
    add_users(app)
    lead = signed_in(app, "quality_lead@demo.example")
    listing = lead.get("/provider/assessments").get_data(as_text=True)
    started = lead.post("/provider/assessments", data={"csrf_token": token(listing), "period": YEAR})
    assert started.status_code == 302
    assessment = started.headers["Location"].rstrip("/")
    page = lead.get(f"{assessment}/section/duq:1").get_data(as_text=True)
    start = page.index('<fieldset class="evidence-picker">')
    picker = page[start : page.index("</form>", start)]
    groups = re.findall(
        r'<fieldset class="evidence-group">\s*<legend>([^<]+)</legend>(.*?)</fieldset>', picker, re.S
    )
    forms = app.extensions["easyvoice.surveys"].questionnaires
    assert sorted(html.unescape(title) for title, _ in groups) == sorted(
        q.title for q in forms.values() if q.audience != "expert"
    )
    labels = []
    for title, body in groups:
        found = [
            " ".join(re.sub(r"<[^>]+>", " ", label).split())
            for label in re.findall(r'<label class="check-line">(.*?)</label>', body, re.S)
        ]
        assert found and all(
            label.startswith(title + ", question ")
            for label in found  # both as the HTML has them
        )
        labels += found
    without_counts = [re.sub(r"\s*\([^()]*answers\)$", "", label) for label in labels]
    assert len(set(without_counts)) == len(without_counts), without_counts
    assert len(labels) == picker.count('name="evidence"')


def test_a_reversed_question_counts_yes_as_the_bad_answer(app: Flask) -> None:
    """ "Do staff ignore you?" (reversed: true): "no" is the good answer, so 18 "no" of 25 is not
    bad news; the 7 "yes" are."""
    add_users(app)
    form = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    assert form.question("ignored").reversed
    answer(app, "ignored", {"no": 18, "yes": 7})
    lead = app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    summary = summary_of(lead.get(URL).get_data(as_text=True))
    assert question_text(app, "ignored") in summary
    assert "28% (7 of 25)" in summary
    assert "72%" not in summary
