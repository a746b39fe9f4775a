"""Publishing an own questionnaire queues its texts for the audio worker, and the Questionnaires
page says how many are ready (issue 12, item 5): "3 of 8 read aloud ready" until a real
`flask audio-worker` process has built them, then all of them."""

from __future__ import annotations

import io
import re

from flask import Flask
from helpers.app import add_users, csrf_token, sign_in_as
from helpers.processes import run_worker
from sqlalchemy import select

from app.db import db
from app.models import AudioJob, OwnQuestionnaire

NEW_QUESTION = "Do you like the new garden room?"
SMALL = f"""version: 1
id: your-support-own
title: The garden room
audience: person_supported
symbol: question
questions:
  - id: garden
    type: yes_no
    text: {NEW_QUESTION}
    symbol: question
    sections: [duq:1]
"""


def _heard(page: str) -> tuple[int, int]:
    found = re.search(r'id="heard-your-support-own">(\d+) of (\d+) read aloud ready', page)
    assert found, "the Questionnaires page says nothing of the read-aloud for the published copy"
    return int(found.group(1)), int(found.group(2))


def test_publishing_queues_the_new_texts_and_the_worker_makes_them_ready(app: Flask) -> None:
    emails = add_users(app)
    lead = app.test_client()
    assert sign_in_as(lead, emails["quality_lead"]).status_code == 302
    token = csrf_token(lead.get("/provider/questionnaires").get_data(as_text=True))
    assert (
        lead.post("/provider/questionnaires/copy/your-support", data={"csrf_token": token}).status_code == 303
    )
    with app.app_context():
        own_id = db.session.scalars(select(OwnQuestionnaire.id)).one()
    sent = lead.post(
        f"/provider/questionnaires/{own_id}/upload",
        data={"csrf_token": token, "file": (io.BytesIO(SMALL.encode()), "garden.yaml")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    assert "After you publish" in lead.get("/provider/questionnaires").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(AudioJob)).first() is None  # a draft queues nothing

    published = lead.post(
        f"/provider/questionnaires/{own_id}/publish", data={"csrf_token": token, "confirm": "yes"}
    )
    assert published.status_code == 303
    with app.app_context():
        queued = {(job.locale, job.text): job.status for job in db.session.scalars(select(AudioJob))}
    assert queued.get(("en_GB", NEW_QUESTION)) == "queued", queued
    assert ("en_GB", "The garden room") in queued and ("en_GB", "Question 1 of 4") in queued
    # not offered in Welsh (no Welsh words of its own): its texts are not made in the Welsh voice,
    # but "Question 1 of 4" is (the catalog has it)
    assert ("cy", NEW_QUESTION) not in queued and ("cy", "Cwestiwn 1 o 4") in queued
    ready, total = _heard(lead.get("/provider/questionnaires").get_data(as_text=True))
    assert total >= len(queued) and ready == total - len(queued)

    # publishing again queues nothing twice
    lead.post(f"/provider/questionnaires/{own_id}/publish", data={"csrf_token": token, "confirm": "yes"})
    with app.app_context():
        assert len(list(db.session.scalars(select(AudioJob)))) == len(queued)

    built = run_worker(app)  # a real `flask audio-worker --once`: real espeak-ng through pyttsx3
    assert built.returncode == 0, built.stderr
    with app.app_context():
        assert {job.status for job in db.session.scalars(select(AudioJob))} == {"done"}
    after = lead.get("/provider/questionnaires").get_data(as_text=True)
    assert _heard(after) == (total, total)
    assert "Until then, Listen uses" not in after
