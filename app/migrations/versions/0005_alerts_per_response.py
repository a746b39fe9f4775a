"""alerts per response: signals inside one alert per response; urgency, reminders; the mail outbox

Revision ID: 0005_alerts_per_response
Revises: 0004
Create Date: 2026-12-02 10:00:00

Until now every worrying answer made its own alert. This folds them: each old alert row becomes a
signal (question, question as asked, answer as the person saw it, concern words, when) of the one
alert kept per response, the earliest. The kept alert's status is the least done of its group
(raised before acknowledged before closed); acknowledged and closed times and people are kept, and
every closing note is kept in the outcome. Each folded alert's own steps are written to the audit
trail ("safeguarding.fold"), so nothing about it is lost. Alerts whose response was purged stay
alerts of their own, each with its one signal.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005_alerts_per_response"
down_revision = "0004"
branch_labels = None
depends_on = None

#: the fixed answer cards' words (app/questionnaires/schema.py FACES and YES_NO)
FIXED = {
    "faces": {"happy": "Happy", "ok": "OK", "sad": "Sad"},
    "yes_no": {"yes": "Yes", "no": "No", "not_sure": "Not sure"},
}
ANY_FIXED = {**FIXED["faces"], **FIXED["yes_no"]}
STAGE = {"raised": 0, "acknowledged": 1, "closed": 2}

old_alert = sa.table(
    "safeguarding_alert",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("service_id", sa.Integer),
    sa.column("source", sa.String),
    sa.column("response_id", sa.Integer),
    sa.column("question_key", sa.String),
    sa.column("question_text", sa.String),
    sa.column("answer", sa.Text),
    sa.column("matched", sa.JSON),
    sa.column("context", sa.JSON),
    sa.column("status", sa.String),
    sa.column("raised_at", sa.DateTime(timezone=True)),
    sa.column("acknowledged_at", sa.DateTime(timezone=True)),
    sa.column("acknowledged_by_id", sa.Integer),
    sa.column("closed_at", sa.DateTime(timezone=True)),
    sa.column("closed_by_id", sa.Integer),
    sa.column("outcome", sa.Text),
    sa.column("emailed", sa.Boolean),
)
signal = sa.table(
    "safeguarding_signal",
    sa.column("id", sa.Integer),
    sa.column("alert_id", sa.Integer),
    sa.column("source", sa.String),
    sa.column("question_key", sa.String),
    sa.column("question_text", sa.String),
    sa.column("answer", sa.Text),
    sa.column("values", sa.JSON),
    sa.column("matched", sa.JSON),
    sa.column("given_at", sa.DateTime(timezone=True)),
)
response = sa.table("response", sa.column("id", sa.Integer), sa.column("version_id", sa.Integer))
version = sa.table("questionnaire_version", sa.column("id", sa.Integer), sa.column("definition", sa.JSON))
audit_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("organisation_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
    sa.column("session_ref", sa.String),
    sa.column("device", sa.String),
    sa.column("detail", sa.JSON),
)


def upgrade() -> None:
    op.create_table(
        "safeguarding_signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("question_key", sa.String(length=80), nullable=True),
        sa.Column("question_text", sa.String(length=500), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("matched", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('answer', 'free_text', 'observation')", name=op.f("ck_safeguarding_signal_source")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["safeguarding_alert.id"],
            name=op.f("fk_safeguarding_signal_alert_id_safeguarding_alert"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_signal")),
        sa.UniqueConstraint("alert_id", "question_key", name=op.f("uq_safeguarding_signal_alert_id")),
    )
    with op.batch_alter_table("safeguarding_signal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_safeguarding_signal_alert_id"), ["alert_id"], unique=False)

    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tried_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["safeguarding_alert.id"], name=op.f("fk_mail_outbox_alert_id_safeguarding_alert")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_outbox_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_outbox_sent_at"), ["sent_at"], unique=False)

    _fold(op.get_bind())

    with op.batch_alter_table("safeguarding_alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("urgent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_safeguarding_alert_response_id"), type_="unique")
        batch_op.drop_column("question_key")
        batch_op.drop_column("question_text")
        batch_op.drop_column("answer")
        batch_op.drop_column("matched")
        batch_op.drop_column("emailed")
        batch_op.create_unique_constraint(batch_op.f("uq_safeguarding_alert_response_id"), ["response_id"])
        batch_op.create_check_constraint(
            batch_op.f("ck_safeguarding_alert_urgent_when"), sa.text("NOT urgent OR urgent_at IS NOT NULL")
        )


def _labels(connection: sa.Connection) -> dict[int, dict[str, dict[str, str]]]:
    """response id -> question id -> option value -> the words the person saw."""
    rows = connection.execute(
        sa.select(response.c.id, version.c.definition)
        .join(version, version.c.id == response.c.version_id)
        .where(response.c.id.in_(sa.select(old_alert.c.response_id)))
    ).all()
    out: dict[int, dict[str, dict[str, str]]] = {}
    for response_id, definition in rows:
        questions: dict[str, dict[str, str]] = {}
        for q in (definition or {}).get("questions", ()):
            questions[q.get("id")] = FIXED.get(
                q.get("type"), {o.get("value"): o.get("text") for o in q.get("options", ())}
            )
        out[response_id] = questions
    return out


def _signal_of(row: Any, into: int, labels: dict[int, dict[str, dict[str, str]]]) -> dict[str, Any]:
    matched = list(row.matched or [])
    if matched or row.source == "free_text":  # free text (or an expert's note): the words as written
        answer, values = row.answer, []
    else:  # option values, comma separated: the option's words instead of its code
        values = [v.strip() for v in (row.answer or "").split(",") if v.strip()]
        words = labels.get(row.response_id, {}).get(row.question_key) or ANY_FIXED
        answer = ", ".join(words.get(v) or ANY_FIXED.get(v) or v for v in values) or row.answer
    return {
        "alert_id": into,
        "source": row.source,
        "question_key": row.question_key,
        "question_text": row.question_text,
        "answer": answer or "",
        "values": values,
        "matched": matched,
        "given_at": row.raised_at,
    }


def _fold(connection: sa.Connection) -> None:
    rows = connection.execute(sa.select(old_alert).order_by(old_alert.c.raised_at, old_alert.c.id)).all()
    if not rows:
        return
    labels = _labels(connection)
    groups: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        groups[row.response_id if row.response_id is not None else ("alone", row.id)].append(row)
    signals, folded = [], []
    for members in groups.values():
        kept = members[0]  # the earliest
        signals.extend(_signal_of(row, kept.id, labels) for row in members)
        if len(members) == 1:
            continue
        status = min((row.status for row in members), key=STAGE.__getitem__)
        acknowledged = [row for row in members if row.acknowledged_at is not None]
        first_ack = min(acknowledged, key=lambda r: r.acknowledged_at) if acknowledged else None
        closed = [row for row in members if row.closed_at is not None]
        last_close = max(closed, key=lambda r: r.closed_at) if closed else None
        notes = list(dict.fromkeys(row.outcome.strip() for row in members if (row.outcome or "").strip()))
        values: dict[str, Any] = {
            "status": status,
            "acknowledged_at": None,
            "acknowledged_by_id": None,
            "closed_at": None,
            "closed_by_id": None,
            "outcome": None,
        }
        if status in ("acknowledged", "closed") and first_ack is not None:
            values.update(
                acknowledged_at=first_ack.acknowledged_at, acknowledged_by_id=first_ack.acknowledged_by_id
            )
        if status == "closed" and last_close is not None:
            values.update(
                closed_at=last_close.closed_at,
                closed_by_id=last_close.closed_by_id,
                outcome="\n\n".join(notes) or None,
            )
        connection.execute(sa.update(old_alert).where(old_alert.c.id == kept.id).values(**values))
        for row in members[1:]:
            folded.append(row.id)
            connection.execute(
                sa.insert(audit_event).values(
                    at=sa.func.current_timestamp(),
                    organisation_id=row.organisation_id,
                    action="safeguarding.fold",
                    object_type="safeguarding_alert",
                    object_id=str(kept.id),
                    detail={
                        "folded_alert_id": row.id,
                        "status": row.status,
                        "acknowledged_at": _iso(row.acknowledged_at),
                        "acknowledged_by_id": row.acknowledged_by_id,
                        "closed_at": _iso(row.closed_at),
                        "closed_by_id": row.closed_by_id,
                        "outcome": row.outcome,
                        "emailed": row.emailed,
                    },
                )
            )
    connection.execute(sa.insert(signal), signals)
    if folded:
        connection.execute(sa.delete(old_alert).where(old_alert.c.id.in_(folded)))


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def downgrade() -> None:
    """Back to one alert per answer: the first signal stays in its alert, each other becomes an
    alert of its own with the same status. Urgency and the outbox are dropped."""
    with op.batch_alter_table("safeguarding_alert", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_safeguarding_alert_urgent_when"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_safeguarding_alert_response_id"), type_="unique")
        batch_op.add_column(sa.Column("question_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("question_text", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("matched", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("emailed", sa.Boolean(), nullable=True))
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("urgent_at")
        batch_op.drop_column("urgent")
    connection = op.get_bind()
    alerts = {row.id: row for row in connection.execute(sa.select(old_alert))}
    by_alert: dict[int, list[Any]] = defaultdict(list)
    for row in connection.execute(sa.select(signal).order_by(signal.c.id)):
        by_alert[row.alert_id].append(row)
    for alert_id, found in by_alert.items():
        alert = alerts[alert_id]
        for number, row in enumerate(found):
            words = {
                "question_key": row.question_key,
                "question_text": row.question_text,
                "answer": ", ".join(row.values) if row.values else row.answer,
                "matched": list(row.matched or []),
            }
            if number == 0:
                connection.execute(sa.update(old_alert).where(old_alert.c.id == alert_id).values(**words))
            else:
                copy = {
                    k: getattr(alert, k)
                    for k in (
                        "organisation_id",
                        "service_id",
                        "source",
                        "response_id",
                        "context",
                        "status",
                        "acknowledged_at",
                        "acknowledged_by_id",
                        "closed_at",
                        "closed_by_id",
                        "outcome",
                    )
                }
                connection.execute(sa.insert(old_alert).values(**copy, **words, raised_at=row.given_at))
    connection.execute(sa.update(old_alert).where(old_alert.c.answer.is_(None)).values(answer=""))
    connection.execute(sa.update(old_alert).where(old_alert.c.matched.is_(None)).values(matched=[]))
    with op.batch_alter_table("safeguarding_alert", schema=None) as batch_op:
        batch_op.alter_column("answer", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("matched", existing_type=sa.JSON(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_safeguarding_alert_response_id"), ["response_id", "question_key"]
        )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_outbox_sent_at"))
        batch_op.drop_index(batch_op.f("ix_mail_outbox_alert_id"))
    op.drop_table("mail_outbox")
    with op.batch_alter_table("safeguarding_signal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_signal_alert_id"))
    op.drop_table("safeguarding_signal")
