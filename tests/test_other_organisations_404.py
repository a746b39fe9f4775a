"""Another organisation's alert or challenge answers 404, exactly as a missing one does
(issue 9, item 11: a 403 told a stranger that the id exists)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from helpers.app import add_users, sign_in_as
from helpers.world import written_answer
from sqlalchemy import select

from app import safeguarding
from app.db import db
from app.models import Answer, Challenge, Organisation, SelfAssessment, utcnow


def _alert_and_challenge(app: Flask) -> tuple[int, int]:
    answer_id = written_answer(app, "Someone hurt me", alert=True)
    with app.app_context():
        alert = safeguarding.alert_for_response(db.session, db.session.get(Answer, answer_id).response_id)
        demo = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        now = utcnow()
        assessment = SelfAssessment(
            organisation_id=demo.id,
            period=now.year,
            status="published",
            published_at=now,
            snapshot={"sections": {}},
        )
        db.session.add(assessment)
        db.session.flush()
        challenge = Challenge(
            self_assessment_id=assessment.id,
            received_at=now,
            due_at=now + timedelta(weeks=4),
            what="You say people choose.",
            relation="family",
        )
        db.session.add(challenge)
        db.session.commit()
        return alert.id, challenge.id


def test_another_organisations_alert_and_challenge_are_not_found(app: Flask) -> None:
    add_users(app)
    alert_id, challenge_id = _alert_and_challenge(app)
    own = app.test_client()
    assert sign_in_as(own, "quality_lead@demo.example").status_code == 302
    assert own.get(f"/provider/alerts/{alert_id}").status_code == 200
    assert own.get(f"/provider/challenges/{challenge_id}").status_code == 200

    stranger = app.test_client()
    assert sign_in_as(stranger, "lead@other.example").status_code == 302
    for url in (f"/provider/alerts/{alert_id}", f"/provider/challenges/{challenge_id}"):
        assert stranger.get(url).status_code == 404, url
    for url in ("/provider/alerts/999999", "/provider/challenges/999999"):
        assert stranger.get(url).status_code == 404, url
