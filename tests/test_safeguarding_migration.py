"""Migration 0005 folds the old one-alert-per-answer rows into one alert per response, losing no
signal: written as old-style rows at revision 0004, upgraded, checked (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers.migrations import empty_database, migrate
from sqlalchemy import Engine, MetaData, insert, text

T0 = datetime(2026, 12, 1, 19, 6, tzinfo=UTC)
DEFINITION = {
    "id": "your-support",
    "title": "Your support",
    "audience": "person_supported",
    "symbol": "support",
    "questions": [
        {
            "id": "safe_home",
            "type": "faces",
            "text": "Do you feel safe at home?",
            "symbol": "home",
            "sections": [],
            "safeguarding": True,
        },
        {
            "id": "gentle",
            "type": "yes_no",
            "text": "Are staff gentle with you?",
            "symbol": "staff",
            "sections": [],
            "safeguarding": True,
        },
        {
            "id": "food",
            "type": "choose_one",
            "text": "Who chooses your food?",
            "symbol": "food",
            "sections": [],
            "safeguarding": True,
            "alert_on": ["staff_only"],
            "options": [
                {"value": "me", "text": "I do", "symbol": "me"},
                {"value": "staff_only", "text": "Only staff", "symbol": "staff"},
            ],
        },
        {
            "id": "better",
            "type": "free_text",
            "text": "What could be better?",
            "symbol": "better",
            "sections": [],
        },
    ],
}


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    yield from empty_database(tmp_path)


def old_rows(engine: Engine) -> dict[str, int]:
    """At revision 0004: 3 responses; 6 per-answer alerts (3 + 2 + 1), and one purged one."""
    meta = MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.begin() as c:
        org = c.execute(
            insert(t["organisation"]).values(name="Demo Care", slug="demo", suppression_threshold=5)
        ).inserted_primary_key[0]
        service = c.execute(
            insert(t["service"]).values(organisation_id=org, name="Hill View Flats", code="hill")
        ).inserted_primary_key[0]
        user = c.execute(
            insert(t["user_account"]).values(
                organisation_id=org,
                email="lead@demo.example",
                name="Lead",
                role="quality_lead",
                password_hash="not-a-hash",  # noqa: S106
                active=True,
                failed_sign_ins=0,
                created_at=T0,
            )
        ).inserted_primary_key[0]
        version = c.execute(
            insert(t["questionnaire_version"]).values(
                slug="your-support",
                content_hash="abc",
                title="Your support",
                audience="person_supported",
                definition=DEFINITION,
                created_at=T0,
            )
        ).inserted_primary_key[0]
        responses = []
        for n in range(3):
            responses.append(
                c.execute(
                    insert(t["response"]).values(
                        client_id=f"c{n}",
                        token=f"t{n}",
                        version_id=version,
                        service_id=service,
                        respondent_role="person_supported",
                        answered_by="self",
                        language="en_GB",
                        consent=True,
                        status="finished",
                        started_at=T0,
                        others_present="" if n else None,
                    )
                ).inserted_primary_key[0]
            )

        def alert(
            response: int | None,
            key: str,
            answer: str,
            minutes: int,
            *,
            source: str = "answer",
            matched: list[str] | None = None,
            status: str = "raised",
            outcome: str | None = None,
        ) -> int:
            at = T0 + timedelta(minutes=minutes)
            steps = {}
            if status in ("acknowledged", "closed"):
                steps.update(acknowledged_at=at + timedelta(hours=1), acknowledged_by_id=user)
            if status == "closed":
                steps.update(closed_at=at + timedelta(hours=2), closed_by_id=user, outcome=outcome)
            return c.execute(
                insert(t["safeguarding_alert"]).values(
                    organisation_id=org,
                    service_id=service,
                    source=source,
                    response_id=response,
                    question_key=key,
                    question_text=None if key == "_anything_else" else f"Q {key}",
                    answer=answer,
                    matched=matched or [],
                    context={"answered_by": "self"},
                    status=status,
                    raised_at=at,
                    emailed=True,
                    **steps,
                )
            ).inserted_primary_key[0]

        ids = {
            # response 0: raised first, later ones acknowledged/closed: the group stays "raised"
            "r0_first": alert(responses[0], "safe_home", "sad", 0),
            "r0_text": alert(
                responses[0],
                "better",
                "Staff shouted at me",
                5,
                source="free_text",
                matched=["shouted"],
                status="closed",
                outcome="Talked to the manager.",
            ),
            "r0_food": alert(responses[0], "food", "staff_only", 7, status="acknowledged"),
            # response 1: both closed: closed, both notes kept
            "r1_first": alert(responses[1], "gentle", "no", 1, status="closed", outcome="Checked rota."),
            "r1_more": alert(
                responses[1],
                "_anything_else",
                "He hit me",
                9,
                source="free_text",
                matched=["hit"],
                status="closed",
                outcome="Police told.",
            ),
            # response 2: one alert, acknowledged
            "r2": alert(responses[2], "safe_home", "sad", 2, status="acknowledged"),
            # a purged response: the alert stands alone
            "purged": alert(None, "safe_home", "sad", 3),
        }
    return {**ids, "user": user}


def test_per_answer_alerts_fold_into_one_alert_per_response(engine: Engine) -> None:
    migrate(engine, "0004")
    ids = old_rows(engine)
    migrate(engine, "0005_alerts_per_response")
    with engine.connect() as c:
        alerts = {row.id: row for row in c.execute(text("SELECT * FROM safeguarding_alert"))}
        signals = c.execute(
            text(
                'SELECT alert_id, source, question_key, question_text, answer, "values", matched, given_at '
                "FROM safeguarding_signal ORDER BY given_at"
            )
        ).all()
        folds = c.execute(
            text("SELECT object_id, detail FROM audit_event WHERE action = 'safeguarding.fold' ORDER BY id")
        ).all()
    # one alert per response (the earliest kept), and the purged one on its own
    assert set(alerts) == {ids["r0_first"], ids["r1_first"], ids["r2"], ids["purged"]}
    assert len(signals) == 7  # every old alert is a signal: none lost
    by_alert: dict[int, list] = {}
    for row in signals:
        by_alert.setdefault(row.alert_id, []).append(row)
    r0 = by_alert[ids["r0_first"]]
    assert [s.question_key for s in r0] == ["safe_home", "better", "food"]
    # answers as the person saw them: the option's words, not its code
    assert [s.answer for s in r0] == ["Sad", "Staff shouted at me", "Only staff"]
    values = [json.loads(s.values) if isinstance(s.values, str) else s.values for s in r0]
    assert values == [["sad"], [], ["staff_only"]]
    assert "shouted" in str(r0[1].matched) and r0[0].question_text == "Q safe_home"
    r1 = by_alert[ids["r1_first"]]
    assert [(s.question_key, s.answer) for s in r1] == [("gentle", "No"), ("_anything_else", "He hit me")]
    # status: the least done of the group; the closing notes all kept
    assert alerts[ids["r0_first"]].status == "raised"
    assert alerts[ids["r0_first"]].acknowledged_at is None and alerts[ids["r0_first"]].outcome is None
    closed = alerts[ids["r1_first"]]
    assert closed.status == "closed" and closed.closed_at is not None and closed.acknowledged_by_id
    assert "Checked rota." in closed.outcome and "Police told." in closed.outcome
    assert alerts[ids["r2"]].status == "acknowledged"
    assert alerts[ids["purged"]].response_id is None and len(by_alert[ids["purged"]]) == 1
    assert not any(alert.urgent for alert in alerts.values())
    # each folded alert's own steps are in the audit trail, pointing at the alert it joined
    folded = {str(ids[k]) for k in ("r0_first", "r1_first")}
    assert {row.object_id for row in folds} == folded and len(folds) == 3
    assert any("Talked to the manager." in str(row.detail) for row in folds)


def test_the_fold_can_be_undone_without_loss(engine: Engine) -> None:
    migrate(engine, "0004")
    old_rows(engine)
    migrate(engine, "0005_alerts_per_response")
    migrate(engine, "0004", down=True)
    with engine.connect() as c:
        rows = c.execute(
            text("SELECT response_id, question_key, answer, status FROM safeguarding_alert")
        ).all()
    assert len(rows) == 7
    assert {(r.question_key, r.answer) for r in rows} >= {
        ("safe_home", "sad"),
        ("better", "Staff shouted at me"),
        ("_anything_else", "He hit me"),
    }
    meta = MetaData()
    meta.reflect(engine)
    assert "safeguarding_signal" not in meta.tables and "mail_outbox" not in meta.tables
    migrate(engine, "0005_alerts_per_response")  # and up again
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM safeguarding_signal")).scalar_one() == 7
