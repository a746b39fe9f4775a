"""one statement: the experts check the self-assessment's statement; provider_statement goes

Every provider_statement row moves into SectionEntry.statement of the organisation's newest
self-assessment that is not published, for the year the statement was last changed (a draft is
started for that year when there is none, as the composer would start it). When that section
already holds a different text, both are kept, joined with a blank line. Verdicts are linked to
the section entry they judged where the text shows which one it was. Nothing is lost: each move
is written to the audit trail with the text before and after.

Revision ID: 0007_one_statement
Revises: 0004
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_one_statement"
down_revision = "0004"
branch_labels = None
depends_on = None

#: the sections a new draft gets, as the composer starts one (surveys/frameworks/duq.yaml today)
DUQ_REFS = ("duq:1", "duq:2", "duq:3", "duq:4", "duq:5")
JOIN = "\n\n"

meta = sa.MetaData()
provider_statement = sa.Table(
    "provider_statement",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.Integer),
    sa.Column("section_ref", sa.String(40)),
    sa.Column("text", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    sa.Column("updated_by_id", sa.Integer),
)
self_assessment = sa.Table(
    "self_assessment",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.Integer),
    sa.Column("period", sa.Integer),
    sa.Column("status", sa.String(16)),
    sa.Column("previous_id", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("published_at", sa.DateTime(timezone=True)),
)
section_entry = sa.Table(
    "section_entry",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("self_assessment_id", sa.Integer),
    sa.Column("section_ref", sa.String(40)),
    sa.Column("statement", sa.Text),
    sa.Column("evidence_questions", sa.JSON),
)
action_point = sa.Table(
    "action_point",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("section_entry_id", sa.Integer),
    sa.Column("what", sa.String(500)),
    sa.Column("who", sa.String(200)),
    sa.Column("by_when", sa.Date),
    sa.Column("status", sa.String(16)),
    sa.Column("outcome", sa.Text),
    sa.Column("copied_from_id", sa.Integer),
)
verification_verdict = sa.Table(
    "verification_verdict",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("verification_id", sa.Integer),
    sa.Column("section_ref", sa.String(40)),
    sa.Column("statement_text", sa.Text),
    sa.Column("section_entry_id", sa.Integer),
)
verification = sa.Table(
    "verification", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("visit_id", sa.Integer)
)
visit = sa.Table(
    "visit",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.Integer),
    sa.Column("visit_date", sa.Date),
)
audit_event = sa.Table(
    "audit_event",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True)),
    sa.Column("organisation_id", sa.Integer),
    sa.Column("user_id", sa.Integer),
    sa.Column("action", sa.String(60)),
    sa.Column("object_type", sa.String(40)),
    sa.Column("object_id", sa.String(64)),
    sa.Column("detail", sa.JSON),
)


def _now() -> datetime:
    return datetime.now(UTC)


def _ref_order(ref: str) -> tuple[str, int, str]:
    framework, _, section = ref.partition(":")
    return (framework, int(section) if section.isdigit() else 0, section)


def _joined(before: str, added: str) -> str:
    """Both texts, nothing lost: the one already there first, the moved one after it."""
    before, added = (before or "").strip(), (added or "").strip()
    if not before or before == added:
        return added
    if not added or added in before.split(JOIN):
        return before
    return before + JOIN + added


def _start_draft(conn: sa.Connection, organisation_id: int, period: int, refs: set[str]) -> int:
    """A draft as the composer starts one: after a published one, as a copy of it."""
    previous = conn.execute(
        sa.select(self_assessment.c.id)
        .where(self_assessment.c.organisation_id == organisation_id, self_assessment.c.status == "published")
        .order_by(self_assessment.c.published_at.desc(), self_assessment.c.id.desc())
        .limit(1)
    ).scalar()
    draft_id = conn.execute(
        self_assessment.insert()
        .values(
            organisation_id=organisation_id,
            period=period,
            status="draft",
            previous_id=previous,
            created_at=_now(),
        )
        .returning(self_assessment.c.id)
    ).scalar_one()
    old: dict[str, Any] = {}
    if previous is not None:
        old = {
            row.section_ref: row
            for row in conn.execute(
                sa.select(section_entry).where(section_entry.c.self_assessment_id == previous)
            )
        }
    for ref in sorted(set(DUQ_REFS) | refs | set(old), key=_ref_order):
        before = old.get(ref)
        entry_id = conn.execute(
            section_entry.insert()
            .values(
                self_assessment_id=draft_id,
                section_ref=ref,
                statement=before.statement if before is not None else "",
                evidence_questions=list(before.evidence_questions or []) if before is not None else [],
            )
            .returning(section_entry.c.id)
        ).scalar_one()
        if before is None:
            continue
        for action in conn.execute(
            sa.select(action_point)
            .where(
                action_point.c.section_entry_id == before.id,
                action_point.c.status.in_(("planned", "started")),
            )
            .order_by(action_point.c.id)
        ):
            conn.execute(
                action_point.insert().values(
                    section_entry_id=entry_id,
                    what=action.what,
                    who=action.who,
                    by_when=action.by_when,
                    status=action.status,
                    outcome="",
                    copied_from_id=action.id,
                )
            )
    conn.execute(
        audit_event.insert().values(
            at=_now(),
            organisation_id=organisation_id,
            user_id=None,
            action="self_assessment.start",
            object_type="self_assessment",
            object_id=str(draft_id),
            detail={"period": period, "copied_from": previous, "by": "migration 0007_one_statement"},
        )
    )
    return draft_id


def _move_statements(conn: sa.Connection) -> None:
    rows = list(conn.execute(sa.select(provider_statement).order_by(provider_statement.c.id)))
    refs_of: dict[int, set[str]] = {}
    for row in rows:
        refs_of.setdefault(row.organisation_id, set()).add(row.section_ref)
    drafts: dict[tuple[int, int], int] = {}
    for row in rows:
        period = (row.updated_at or _now()).year
        key = (row.organisation_id, period)
        if key not in drafts:
            found = conn.execute(
                sa.select(self_assessment.c.id)
                .where(
                    self_assessment.c.organisation_id == row.organisation_id,
                    self_assessment.c.period == period,
                    self_assessment.c.status != "published",
                )
                .order_by(self_assessment.c.created_at.desc(), self_assessment.c.id.desc())
                .limit(1)
            ).scalar()
            drafts[key] = (
                found
                if found is not None
                else _start_draft(conn, row.organisation_id, period, refs_of[row.organisation_id])
            )
        assessment_id = drafts[key]
        entry = conn.execute(
            sa.select(section_entry).where(
                section_entry.c.self_assessment_id == assessment_id,
                section_entry.c.section_ref == row.section_ref,
            )
        ).first()
        if entry is None:
            entry_id = conn.execute(
                section_entry.insert()
                .values(
                    self_assessment_id=assessment_id,
                    section_ref=row.section_ref,
                    statement="",
                    evidence_questions=[],
                )
                .returning(section_entry.c.id)
            ).scalar_one()
            before = ""
        else:
            entry_id, before = entry.id, entry.statement or ""
        after = _joined(before, row.text or "")
        if after != before:
            conn.execute(section_entry.update().where(section_entry.c.id == entry_id).values(statement=after))
        conn.execute(
            audit_event.insert().values(
                at=_now(),
                organisation_id=row.organisation_id,
                user_id=None,
                action="statement.move",
                object_type="section_entry",
                object_id=str(entry_id),
                detail={
                    "section": row.section_ref,
                    "provider_statement_id": row.id,
                    "self_assessment_id": assessment_id,
                    "period": period,
                    "moved": row.text,
                    "before": before,
                    "after": after,
                    "joined": after not in (before.strip(), (row.text or "").strip()),
                    "updated_by_id": row.updated_by_id,
                    "updated_at": row.updated_at.isoformat() if row.updated_at else None,
                },
            )
        )


def _link_verdicts(conn: sa.Connection) -> None:
    """Each verdict points at the section entry whose statement it judged, where that is clear:
    the visit's year, the same section, and the statement the same text (or holding it, after
    a join). Newest self-assessment first."""
    verdicts = conn.execute(
        sa.select(
            verification_verdict.c.id,
            verification_verdict.c.section_ref,
            verification_verdict.c.statement_text,
            visit.c.organisation_id,
            visit.c.visit_date,
        )
        .join(verification, verification.c.id == verification_verdict.c.verification_id)
        .join(visit, visit.c.id == verification.c.visit_id)
        .where(verification_verdict.c.section_entry_id.is_(None))
    ).all()
    for verdict in verdicts:
        candidates = conn.execute(
            sa.select(section_entry.c.id, section_entry.c.statement)
            .join(self_assessment, self_assessment.c.id == section_entry.c.self_assessment_id)
            .where(
                self_assessment.c.organisation_id == verdict.organisation_id,
                self_assessment.c.period == verdict.visit_date.year,
                section_entry.c.section_ref == verdict.section_ref,
            )
            .order_by(self_assessment.c.created_at.desc(), self_assessment.c.id.desc())
        ).all()
        judged = (verdict.statement_text or "").strip()
        match = next((c.id for c in candidates if (c.statement or "").strip() == judged), None)
        if match is None and judged:
            match = next((c.id for c in candidates if judged in (c.statement or "").split(JOIN)), None)
        if match is not None:
            conn.execute(
                verification_verdict.update()
                .where(verification_verdict.c.id == verdict.id)
                .values(section_entry_id=match)
            )


def upgrade() -> None:
    with op.batch_alter_table("verification_verdict", schema=None) as batch_op:
        batch_op.add_column(sa.Column("section_entry_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_verification_verdict_section_entry_id"), ["section_entry_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_verification_verdict_section_entry_id_section_entry"),
            "section_entry",
            ["section_entry_id"],
            ["id"],
        )
    conn = op.get_bind()
    _move_statements(conn)
    _link_verdicts(conn)
    op.drop_table("provider_statement")


def downgrade() -> None:
    """provider_statement again, from each section's statement in the organisation's newest
    self-assessment (the verdicts keep the text they judged either way)."""
    op.create_table(
        "provider_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("section_ref", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_provider_statement_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_provider_statement_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_statement")),
        sa.UniqueConstraint(
            "organisation_id", "section_ref", name=op.f("uq_provider_statement_organisation_id")
        ),
    )
    conn = op.get_bind()
    seen: set[tuple[int, str]] = set()
    for row in conn.execute(
        sa.select(self_assessment.c.organisation_id, section_entry.c.section_ref, section_entry.c.statement)
        .join(self_assessment, self_assessment.c.id == section_entry.c.self_assessment_id)
        .order_by(self_assessment.c.created_at.desc(), self_assessment.c.id.desc())
    ):
        key = (row.organisation_id, row.section_ref)
        if key in seen or not (row.statement or "").strip():
            continue
        seen.add(key)
        conn.execute(
            provider_statement.insert().values(
                organisation_id=row.organisation_id,
                section_ref=row.section_ref,
                text=row.statement,
                updated_at=_now(),
                updated_by_id=None,
            )
        )
    with op.batch_alter_table("verification_verdict", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_verification_verdict_section_entry_id_section_entry"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_verification_verdict_section_entry_id"))
        batch_op.drop_column("section_entry_id")
