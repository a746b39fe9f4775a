"""A disclosure is never evidence: through the test client (CSRF on), with alerts raised by the real
respondent journey. A written answer that holds a concern word, or belongs to a response with a
safeguarding alert, is never offered as a quote; a forged request to quote it is refused and
stores nothing; every quote goes through its review page; and a quote picked (even published)
before the alert came is held back from the public pages, the easy-read page and the public PDF,
while the quality lead is told."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, make_app, service_code, sign_in_as
from sqlalchemy import insert, select

from app.assessments import publication, quotes
from app.db import db
from app.demo.responses import add_responses
from app.models import (
    Answer,
    ConcernWord,
    Organisation,
    PickedQuote,
    QuestionnaireVersion,
    Response,
    SafeguardingAlert,
    SelfAssessment,
    Service,
    User,
    utcnow,
)
from app.reports import told_us

CLEAN = "I want to learn to cook pasta with my keyworker."
BESIDE_ALERT = "I would like a bigger garden with more flowers."
DISCLOSURE = "I like my room. I am scared at night."
SHOUTING = "Sometimes staff shout at me"
LATER = "Staff hit me when nobody is looking."


@pytest.fixture
def quote_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path)
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, app.extensions["easyvoice.surveys"].questionnaires.values(), 60)
        db.session.commit()
    add_users(app)
    return app


# -- the respondent, through the real journey ----------------------------------------------------
def token_of(html: str, name: str) -> str | None:
    found = re.search(rf'name="{name}"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else None


def send(client: FlaskClient, url: str, **data: object) -> object:
    """Post a respondent page as the tablet does (its submission id, and CSRF when on the page)."""
    page = client.get(url).get_data(as_text=True)
    fields = {"submission_id": token_of(page, "submission_id"), **data}
    if token := token_of(page, "csrf_token"):
        fields["csrf_token"] = token
    return client.post(url, data=fields)


class Person:
    """One person answering "your-support" on a tablet: ``safe_home`` and the written answer given."""

    def __init__(self, app: Flask) -> None:
        self.app, self.client = app, app.test_client()
        self.client.get(f"/at/{service_code(app)}")
        assert self.client.get("/begin/your-support").status_code == 302
        settings = {
            "who": "self",
            "text": "normal",
            "pictures": "on",
            "contrast": "off",
            "read_aloud": "off",
            "autoplay": "off",
            "locale": "en_GB",
        }
        page = self.client.get("/settings").get_data(as_text=True)
        if token := token_of(page, "csrf_token"):
            settings["csrf_token"] = token
        assert self.client.post("/settings", data=settings).status_code == 302
        assert send(self.client, "/consent", action="yes").status_code == 302

    def questions(self, safe_home: str = "happy", written: str = "") -> Person:
        form = self.app.extensions["easyvoice.surveys"].questionnaires["your-support"]
        for number, q in enumerate(form.questions, start=1):
            if q.id == "safe_home":
                fields: dict[str, object] = {"answer": safe_home}
            elif q.type == "free_text":
                fields = {"text": written, "action": "answer"} if written else {"action": "skip"}
            elif q.multiple:
                fields = {"answer": [q.choices[0].value], "action": "answer"}
            else:
                fields = {"answer": q.choices[0].value}
            sent = send(self.client, f"/q/{number}", question=q.id, **fields)
            assert sent.status_code == 302, (q.id, sent.status_code)
        return self

    def finish(self, anything_else: str = "") -> None:
        for step, data in (
            ("helped", {"action": "nobody"}),
            ("room", {"action": "nobody"}),
            ("anything_else", {"text": anything_else, "action": "answer"}),
        ):
            assert send(self.client, f"/end/{step}", **data).status_code == 302, step


# -- the quality lead ----------------------------------------------------------------------------
def csrf(client: FlaskClient, url: str) -> str:
    token = token_of(client.get(url).get_data(as_text=True), "csrf_token")
    assert token, f"no CSRF token on {url}"
    return token


def post(client: FlaskClient, url: str, page: str | None = None, **data: object) -> object:
    return client.post(url, data={"csrf_token": csrf(client, page or url), **data})


def lead_with_draft(app: Flask) -> tuple[FlaskClient, int]:
    lead = app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    started = post(lead, "/provider/assessments", period=utcnow().year)
    assert started.status_code == 302
    return lead, int(re.search(r"/assessments/(\d+)", started.headers["Location"]).group(1))


def answer_id(app: Flask, text: str) -> int:
    with app.app_context():
        return db.session.scalars(select(Answer.id).where(Answer.text == text)).one()


def picked(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(PickedQuote.text)))


def publish_now(lead: FlaskClient, aid: int) -> None:
    page = f"/provider/assessments/{aid}"
    assert post(lead, f"{page}/review", page).status_code == 302
    confirm = lead.get(f"{page}/publish").get_data(as_text=True)
    reasons = {name: "we are still asking people." for name in re.findall(r'name="(reason-[^"]+)"', confirm)}
    assert post(lead, f"{page}/publish", confirm="yes", **reasons).status_code == 302


def public_texts(app: Flask, aid: int) -> dict[str, str]:
    visitor = app.test_client()
    pages = {path: visitor.get(f"/published/demo/{aid}{path}") for path in ("", "/easy-read")}
    assert all(p.status_code == 200 for p in pages.values())
    pdf = visitor.get(f"/published/demo/{aid}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with app.test_request_context():
        item = db.session.get(SelfAssessment, aid)
        report = told_us.from_snapshot(
            item.organisation,
            item.period,
            publication.public_snapshot(db.session, item),
            app.extensions["easyvoice.surveys"].questionnaires,
        )
    # the PDF is drawn from this report: every word it prints is here
    words = [
        report.title,
        report.plan_title,
        report.footer,
        *(s for _sym, s in report.intro),
        *(s for f in report.findings for s in f.sentences),
        *(b.text + " " + b.label for f in report.findings for b in f.bars),
        *(s for _sym, s in report.plan),
    ]
    return {
        "standard": pages[""].get_data(as_text=True),
        "easy": pages["/easy-read"].get_data(as_text=True),
        "pdf": "\n".join(words),
    }


def public_pdf(app: Flask, aid: int) -> bytes:
    """The public PDF as served, less its creation time (Pillow's output is otherwise the same)."""
    pdf = app.test_client().get(f"/published/demo/{aid}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    return re.sub(rb"/(Creation|Mod)Date \(D:[0-9Z+\-']*\)", b"", pdf.data)


# -- tests ----------------------------------------------------------------------------------------
def test_disclosures_and_answers_beside_an_alert_are_never_offered(quote_app: Flask) -> None:
    Person(quote_app).questions(written=CLEAN).finish()
    Person(quote_app).questions(safe_home="sad", written=BESIDE_ALERT).finish()  # "Sad" to "safe at home"
    Person(quote_app).questions(written=DISCLOSURE).finish()
    Person(quote_app).questions().finish(anything_else=SHOUTING)
    with quote_app.app_context():
        alerted = set(db.session.scalars(select(SafeguardingAlert.response_id)))
        answers = {
            a.text: a.response_id
            for a in db.session.scalars(
                select(Answer).where(Answer.text.in_([CLEAN, BESIDE_ALERT, DISCLOSURE, SHOUTING]))
            )
        }
    # the journey raised the alerts the rules rely on (the clean one has none)
    assert answers[BESIDE_ALERT] in alerted and answers[DISCLOSURE] in alerted
    assert answers[SHOUTING] in alerted and answers[CLEAN] not in alerted

    lead, aid = lead_with_draft(quote_app)
    for ref in ("duq:1", "duq:5"):  # "What would make your support better?" speaks to both
        page = lead.get(f"/provider/assessments/{aid}/section/{ref}").get_data(as_text=True)
        assert CLEAN in page, "a harmless answer is still offered"
        for text in (BESIDE_ALERT, DISCLOSURE, SHOUTING):
            assert text not in page, f"{text!r} was offered as a quote"
        assert "/quotes/" in page and 'name="answer_id"' not in page  # a review link, not a one-tap form
    # the service says why, in one place
    with quote_app.app_context():
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == "demo"))
        why = {
            t: quotes.quotable(db.session, db.session.get(Answer, answer_id(quote_app, t)), org_id)
            for t in (CLEAN, BESIDE_ALERT, DISCLOSURE, SHOUTING)
        }
    assert why == {
        CLEAN: None,
        BESIDE_ALERT: quotes.ALERT,
        DISCLOSURE: quotes.CONCERN,
        SHOUTING: quotes.CONCERN,
    }


def test_a_disclosure_without_an_alert_is_not_offered_either(quote_app: Flask) -> None:
    """Texts like the demo's, written straight into the database (no alert was ever raised)."""
    with quote_app.app_context():
        version = db.session.scalars(
            select(QuestionnaireVersion).where(QuestionnaireVersion.slug == "your-support")
        ).first()
        service = db.session.scalars(select(Service).where(Service.name == "Oak House")).one()
        now = utcnow()
        for n, text in enumerate((DISCLOSURE, SHOUTING, CLEAN)):
            rid = db.session.execute(
                insert(Response).returning(Response.id),
                [
                    dict(
                        client_id=f"c{n}",
                        token=f"t{n}",
                        version_id=version.id,
                        service_id=service.id,
                        respondent_role="person_supported",
                        answered_by="self",
                        language="en_GB",
                        consent=True,
                        status="finished",
                        started_at=now,
                        finished_at=now,
                    )
                ],
            ).scalar_one()
            db.session.execute(
                insert(Answer),
                [
                    dict(
                        response_id=rid,
                        question_key="better",
                        kind="text",
                        text=text,
                        submission_id=f"s{n}",
                        created_at=now,
                        updated_at=now,
                    )
                ],
            )
        db.session.commit()
        assert not db.session.scalars(select(SafeguardingAlert)).first()
    lead, aid = lead_with_draft(quote_app)
    page = lead.get(f"/provider/assessments/{aid}/section/duq:1").get_data(as_text=True)
    assert CLEAN in page and DISCLOSURE not in page and SHOUTING not in page
    # a concern word the organisation adds later takes the answers that hold it off the list too
    with quote_app.app_context():
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == "demo"))
        db.session.add(ConcernWord(organisation_id=org_id, word="keyworker"))
        db.session.commit()
    assert CLEAN not in lead.get(f"/provider/assessments/{aid}/section/duq:1").get_data(as_text=True)


def test_a_forged_quote_is_refused_and_nothing_is_stored(quote_app: Flask) -> None:
    Person(quote_app).questions(written=DISCLOSURE).finish()
    Person(quote_app).questions(safe_home="sad", written=BESIDE_ALERT).finish()
    Person(quote_app).questions(written=CLEAN).finish()
    lead, aid = lead_with_draft(quote_app)
    section = f"/provider/assessments/{aid}/section/duq:1"
    for text in (DISCLOSURE, BESIDE_ALERT):
        url = f"{section}/quotes/{answer_id(quote_app, text)}"
        assert lead.get(url).status_code == 409  # no review page for it either
        forged = post(lead, url, section, names_nobody="y", tells_no_harm="y", text=text)
        assert forged.status_code == 409
        assert "This answer cannot be a quote" in forged.get_data(as_text=True)
        assert "Nothing was saved." in forged.get_data(as_text=True)
    # someone else's answer, or none, is not found
    assert (
        post(lead, f"{section}/quotes/999999", section, names_nobody="y", tells_no_harm="y").status_code
        == 404
    )
    clean = f"{section}/quotes/{answer_id(quote_app, CLEAN)}"
    # the review needs both ticks, and a quote may leave words out but never add any
    assert post(lead, clean, names_nobody="y").status_code == 400
    assert post(lead, clean, tells_no_harm="y").status_code == 400
    added = post(lead, clean, names_nobody="y", tells_no_harm="y", text="I want to hit my keyworker.")
    assert added.status_code == 400 and "may not add or change words" in added.get_data(as_text=True)
    changed = post(lead, clean, names_nobody="y", tells_no_harm="y", text="I want to learn to cook pizza.")
    assert changed.status_code == 400 and "may not add or change words" in changed.get_data(as_text=True)
    assert picked(quote_app) == []
    # the old one-tap post is gone
    one_tap = post(lead, f"{section}/quotes", section, answer_id=answer_id(quote_app, CLEAN))
    assert one_tap.status_code in (404, 405)
    assert picked(quote_app) == []


def test_every_quote_goes_through_its_review_page(quote_app: Flask) -> None:
    Person(quote_app).questions(written=CLEAN).finish()
    lead, aid = lead_with_draft(quote_app)
    section = f"/provider/assessments/{aid}/section/duq:1"
    review = f"{section}/quotes/{answer_id(quote_app, CLEAN)}"
    page = lead.get(review).get_data(as_text=True)
    assert "Check this answer before you quote it" in page
    assert CLEAN in page and "What would make your support better?" in page  # the question asked
    assert "<dd>Oak House</dd>" in page and "<dd>Your support</dd>" in page  # service, questionnaire
    # the date, in local time (TIMEZONE, Europe/London) as Babel writes it: "2 December 2026"
    today = utcnow().astimezone(ZoneInfo("Europe/London"))
    assert f"<dd>{today.day} {today.strftime('%B %Y')}</dd>" in page
    assert "It names nobody" in page and "It tells of no harm" in page
    assert "Their own answer" not in page and "Who answered" not in page  # never who
    assert (
        post(
            lead, review, names_nobody="y", tells_no_harm="y", text="I want to learn to cook pasta ..."
        ).status_code
        == 302
    )
    with quote_app.app_context():
        quote = db.session.scalars(select(PickedQuote)).one()
        lead_id = db.session.scalar(select(User.id).where(User.email == "quality_lead@demo.example"))
        assert quote.text == "I want to learn to cook pasta ..."
        assert quote.confirmed_by_id == lead_id and quote.confirmed_at is not None


def test_a_quote_picked_before_the_alert_is_held_back_from_every_public_view(quote_app: Flask) -> None:
    """Picked and published, then the same person wrote about harm: the quote comes down."""
    person = Person(quote_app).questions(written=CLEAN)  # not finished yet
    lead, aid = lead_with_draft(quote_app)
    section = f"/provider/assessments/{aid}/section/duq:1"
    review = f"{section}/quotes/{answer_id(quote_app, CLEAN)}"
    assert post(lead, review, names_nobody="y", tells_no_harm="y").status_code == 302
    publish_now(lead, aid)
    before = public_texts(quote_app, aid)
    assert CLEAN in before["standard"] and CLEAN in before["easy"]  # published as picked

    person.finish(anything_else=LATER)  # the alert comes after the quote was published
    with quote_app.app_context():
        assert db.session.scalars(select(SafeguardingAlert)).first() is not None
    after = public_texts(quote_app, aid)
    for name, text in after.items():
        assert CLEAN not in text, f"the held-back quote is still in the {name} view"
        assert LATER not in text and "hit" not in text.lower().split()
    assert picked(quote_app) == [CLEAN]  # held back, never deleted
    with quote_app.app_context():
        snapshot = db.session.get(SelfAssessment, aid).snapshot
    assert CLEAN in str(snapshot)  # what was frozen is unchanged
    # the quality lead is told
    page = lead.get(f"/provider/assessments/{aid}").get_data(as_text=True)
    assert "Quotes held back" in page and CLEAN in page
    # the evidence pack leaves it out too
    pack = lead.get(f"/provider/assessments/{aid}/pack/duq:1.zip")
    assert pack.status_code == 200 and CLEAN.encode() not in pack.data


def test_a_quote_that_fails_before_publishing_is_left_out_of_the_snapshot(quote_app: Flask) -> None:
    Person(quote_app).questions(written=CLEAN).finish()
    lead, aid = lead_with_draft(quote_app)
    section = f"/provider/assessments/{aid}/section/duq:1"
    assert (
        post(
            lead, f"{section}/quotes/{answer_id(quote_app, CLEAN)}", names_nobody="y", tells_no_harm="y"
        ).status_code
        == 302
    )
    with quote_app.app_context():
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == "demo"))
        db.session.add(ConcernWord(organisation_id=org_id, word="pasta"))  # a word added after picking
        db.session.commit()
    assert "Held back" in lead.get(section).get_data(as_text=True)
    page = f"/provider/assessments/{aid}"
    assert post(lead, f"{page}/review", page).status_code == 302
    confirm = lead.get(f"{page}/publish").get_data(as_text=True)
    assert "Quotes that will be held back" in confirm and CLEAN in confirm
    publish_now_after_review(lead, aid)
    with quote_app.app_context():
        frozen = db.session.get(SelfAssessment, aid).snapshot["sections"]["duq:1"]
    assert frozen["quotes"] == []
    assert picked(quote_app) == [CLEAN]
    assert CLEAN not in public_texts(quote_app, aid)["standard"]


def publish_now_after_review(lead: FlaskClient, aid: int) -> None:
    page = f"/provider/assessments/{aid}"
    confirm = lead.get(f"{page}/publish").get_data(as_text=True)
    reasons = {name: "we are still asking people." for name in re.findall(r'name="(reason-[^"]+)"', confirm)}
    assert post(lead, f"{page}/publish", confirm="yes", **reasons).status_code == 302


def test_only_shortened_allows_leaving_words_out_never_adding() -> None:
    original = "I like my room, and I want to paint it blue."
    assert quotes.only_shortened(original, "I like my room ... paint it blue.")
    assert quotes.only_shortened(original, original)
    assert not quotes.only_shortened(original, "I like my room and paint it red.")
    assert not quotes.only_shortened(original, "paint it blue. I like my room")  # order kept


def test_the_public_pdf_comes_from_the_snapshot_only(quote_app: Flask) -> None:
    """Answers that arrive after publishing change nothing in the public report."""
    lead, aid = lead_with_draft(quote_app)
    section = f"/provider/assessments/{aid}/section/duq:1"
    evidence = re.findall(
        r'name="evidence" value="(your-support:[^"]+)"', lead.get(section).get_data(as_text=True)
    )
    assert (
        post(lead, section, statement="We ask people what they want.", evidence=evidence[:3]).status_code
        == 302
    )
    assert (
        post(
            lead,
            f"{section}/actions",
            section,
            what="Plan more trips out",
            who="Manager",
            by_when=date(utcnow().year + 1, 3, 1).isoformat(),
        ).status_code
        == 302
    )
    publish_now(lead, aid)
    words = public_texts(quote_app, aid)["pdf"]
    assert "Plan more trips out" in words and "We asked:" in words
    before = public_pdf(quote_app, aid)
    with quote_app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(
            db.session,
            org,
            quote_app.extensions["easyvoice.surveys"].questionnaires.values(),
            200,
            seed=7,
            now=utcnow(),
        )
        db.session.commit()
    assert public_texts(quote_app, aid)["pdf"] == words
    assert public_pdf(quote_app, aid) == before
