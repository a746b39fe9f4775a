"""The dashboard on `flask demo --responses 2000`: every page renders, and its figures match a count of
the same rows made directly (loading each answer), with small numbers hidden as promised."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from helpers.app import add_users, drop_database, made, make_app, sign_in_as
from sqlalchemy import select

from app.db import db
from app.models import Answer, AuditEvent, Organisation, Response, Service, utcnow
from app.reports.figures import question_figures, start_of_day, year_bounds
from app.reports.suppression import UNBOUNDED


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    app = make_app(tmp_path_factory.mktemp("demo2000"))
    made.remove(app)  # one app for the module: not dropped after its first test
    result = app.test_cli_runner().invoke(args=["demo", "--responses", "2000"])
    assert result.exit_code == 0, result.output
    assert "Added 2000 responses" in result.output
    add_users(app)
    yield app
    drop_database(app)


def this_year(app: Flask) -> int:
    from app.models import utcnow

    return utcnow().year


def direct_counts(app: Flask, slug: str, key: str, year: int, until: datetime) -> Counter[str]:
    """Count one question's answers for the year (up to ``until``) the slow, obvious way."""
    start, end = year_bounds(year)
    end = min(end, until)
    counts: Counter[str] = Counter()
    with app.app_context():
        demo = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        for answer in db.session.scalars(
            select(Answer).join(Response).join(Service).where(Service.organisation_id == demo.id)
        ):
            response = answer.response
            if response.version.slug != slug or answer.question_key != key:
                continue
            if not (start <= response.started_at < end) or not response.consent:
                continue
            if answer.kind.value == "option":
                counts.update(answer.values)
            elif answer.kind.value != "skipped":
                counts[answer.kind.value] += 1
    return counts


def test_every_dashboard_page_renders_with_2000_responses(demo_app: Flask) -> None:
    client = demo_app.test_client()
    sign_in_as(client, "quality_lead@demo.example")
    year = this_year(demo_app)
    index = client.get(f"/provider/?year={year}")
    assert index.status_code == 200
    page = index.get_data(as_text=True)
    links = set(re.findall(r'href="(/provider/(?:questionnaire|section)/[^"]+)"', page))
    assert len(links) >= 3 + 10, links  # 3 questionnaires, 5 DUQ and 5 CQC sections
    for link in sorted(links):
        page = client.get(html.unescape(link))
        assert page.status_code == 200, link
        assert (
            "fewer than" in page.get_data(as_text=True)
            or "not shown" in page.get_data(as_text=True)
            or "section" in link
        )
    for year_shown in (year - 1, year - 2):  # last year has data; the year before has none
        assert client.get(f"/provider/?year={year_shown}").status_code == 200


@pytest.mark.parametrize(
    "slug,key", [("your-support", "listened"), ("family-support", "informed"), ("working-here", None)]
)
def test_dashboard_figures_match_a_direct_count(demo_app: Flask, slug: str, key: str | None) -> None:
    year = this_year(demo_app)
    forms = demo_app.extensions["easyvoice.surveys"].questionnaires
    key = key or forms[slug].questions[0].id
    with demo_app.test_request_context():
        demo = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        # the page counts answers up to the start of today (see test_dashboard_as_of.py)
        as_of = start_of_day(utcnow(), demo_app.config["BABEL_DEFAULT_TIMEZONE"])
        found = question_figures(db.session, demo.id, 5, year, {slug: forms[slug]}, as_of=as_of)
        figures = {f.question.id: f for f in found}
    figure = figures[key]
    truth = direct_counts(demo_app, slug, key, year, as_of)
    assert sum(truth.values()) > 50
    for column in figure.columns:
        cell, real = figure.overall.cells[column], truth.get(column, 0)
        if cell.hidden:
            low, high = cell.bounds()
            assert low <= real <= min(high, UNBOUNDED)
        else:
            assert cell.value == real, column
    assert figure.overall.total.value in (None, sum(truth.values()))
    # the page shows the same figures
    client = demo_app.test_client()
    sign_in_as(client, "viewer@demo.example")
    page = client.get(f"/provider/questionnaire/{slug}?year={year}").get_data(as_text=True)
    for column in figure.columns:
        if not figure.overall.cells[column].hidden:
            assert f"<td>{figure.overall.cells[column].value}</td>" in page


def test_free_text_only_for_those_allowed(demo_app: Flask) -> None:
    year = this_year(demo_app)
    lead, viewer = demo_app.test_client(), demo_app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    sign_in_as(viewer, "viewer@demo.example")
    forms = demo_app.extensions["easyvoice.surveys"].questionnaires
    slug = next(
        s
        for s, q in forms.items()
        if any(x.type == "free_text" for x in q.questions) and q.audience != "expert"
    )
    lead_page = lead.get(f"/provider/questionnaire/{slug}?year={year}").get_data(as_text=True)
    viewer_page = viewer.get(f"/provider/questionnaire/{slug}?year={year}").get_data(as_text=True)
    assert "What people wrote" in lead_page
    assert "What people wrote" not in viewer_page
    assert viewer.get(f"/provider/download/answers.csv?year={year}").status_code == 403


def test_raw_csv_is_one_row_per_answer_pseudonymous_and_audited(demo_app: Flask) -> None:
    year = this_year(demo_app)
    client = demo_app.test_client()
    sign_in_as(client, "quality_lead@demo.example")
    result = client.get(f"/provider/download/answers.csv?year={year}")
    assert result.status_code == 200
    lines = result.get_data(as_text=True).splitlines()
    start, end = year_bounds(year)
    with demo_app.app_context():
        answers = db.session.scalars(
            select(Answer).join(Response).where(Response.started_at >= start, Response.started_at < end)
        ).all()
        real_ids = {str(a.response_id) for a in answers}
        audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.raw_csv")).all()
    assert len(lines) == 1 + len(answers)
    header = lines[0].split(",")
    assert header[:3] == ["response", "questionnaire", "version"]
    first_ids = {line.split(",")[0] for line in lines[1:200]}
    assert not first_ids & real_ids and all(len(x) == 12 for x in first_ids)
    assert "Happy" in result.get_data(as_text=True)  # labels, not only values
    assert len(audited) == 1 and audited[0].detail["year"] == year


def test_summary_csv_hides_small_numbers(demo_app: Flask) -> None:
    year = this_year(demo_app)
    client = demo_app.test_client()
    sign_in_as(client, "viewer@demo.example")
    body = client.get(f"/provider/download/summary.csv?year={year}").get_data(as_text=True)
    counts = [line.rsplit(",", 2)[1] for line in body.splitlines()[1:]]
    assert "fewer than 5" in counts and "not shown" in counts
    numbers = [int(c) for c in counts if c.isdigit()]
    assert numbers and all(n == 0 or n >= 5 for n in numbers)


def test_another_organisations_data_is_refused(demo_app: Flask) -> None:
    client = demo_app.test_client()
    sign_in_as(client, "lead@other.example")
    for url in (
        "/provider/download/answers.csv?org=demo",
        "/provider/download/summary.csv?org=demo",
        "/provider/download/what-people-told-us.pdf?org=demo",
        "/provider/?org=demo",
    ):
        assert client.get(url).status_code == 404, url  # not theirs even to know of


def test_demo_command_is_fast_enough_for_a_tryout(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["demo", "--responses", "300"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        roles = set(db.session.scalars(select(Response.respondent_role)))
        by = set(db.session.scalars(select(Response.answered_by)))
        years = {r.year for r in db.session.scalars(select(Response.started_at))}
        services = len(set(db.session.scalars(select(Response.service_id))))
    assert {"person_supported", "family", "staff"} <= roles
    assert {"self", "family", "staff"} <= by
    assert len(years) == 2 and services >= 4
