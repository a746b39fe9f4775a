"""Migration 0007_one_statement with data, on the suite's engine (SQLite, or PostgreSQL when
EASYVOICE_TEST_POSTGRES is set): rows written at revision 0004 with the alembic API, then upgraded.

Every provider_statement text ends up in a self-assessment's section (joined with a text already
there, never overwritten); published self-assessments are not touched; verdicts are linked to the
section they judged and keep their text; provider_statement is gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.migrations import empty_database, migrate
from sqlalchemy import Engine

REVISION = "0007_one_statement"
NO_PASSWORD = "x"  # noqa: S105  (a stand-in password hash: nobody signs in to these databases)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    yield from empty_database(tmp_path)


def at(year: int, month: int = 6, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


class Rows:
    """Inserts at revision 0004, through tables reflected from the database itself."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.meta = sa.MetaData()
        self.meta.reflect(connection)

    def add(self, table: str, **values: object) -> int:
        t = self.meta.tables[table]
        return self.connection.execute(t.insert().values(**values).returning(t.c.id)).scalar_one()


def write_old_data(engine: Engine) -> dict[str, int]:
    ids: dict[str, int] = {}
    with engine.begin() as connection:
        r = Rows(connection)
        for key, slug in (("a", "alpha"), ("b", "beta"), ("c", "gamma")):
            ids[f"org_{key}"] = r.add("organisation", name=slug.title(), slug=slug, suppression_threshold=5)
            ids[f"service_{key}"] = r.add(
                "service", organisation_id=ids[f"org_{key}"], name=f"{slug} house", code=f"{slug}-code"
            )
            ids[f"user_{key}"] = r.add(
                "user_account",
                organisation_id=ids[f"org_{key}"],
                email=f"lead@{slug}.example",
                name=f"{slug} lead",
                role="quality_lead",
                password_hash=NO_PASSWORD,
                active=True,
                failed_sign_ins=0,
                created_at=at(2025),
            )

        # A: statements written in 2025, no self-assessment at all.
        r.add(
            "provider_statement",
            organisation_id=ids["org_a"],
            section_ref="duq:1",
            text="A says 1.",
            updated_at=at(2025, 3),
            updated_by_id=ids["user_a"],
        )
        r.add(
            "provider_statement",
            organisation_id=ids["org_a"],
            section_ref="duq:2",
            text="A says 2.",
            updated_at=at(2025, 4),
            updated_by_id=ids["user_a"],
        )

        # B: a published 2026 self-assessment and a newer draft with texts of its own.
        ids["b_published"] = r.add(
            "self_assessment",
            organisation_id=ids["org_b"],
            period=2026,
            status="published",
            created_at=at(2026, 1),
            published_at=at(2026, 2),
            snapshot={"period": 2026, "sections": {}},
        )
        ids["b_published_1"] = r.add(
            "section_entry",
            self_assessment_id=ids["b_published"],
            section_ref="duq:1",
            statement="B published 1.",
            evidence_questions=[],
        )
        ids["b_draft"] = r.add(
            "self_assessment",
            organisation_id=ids["org_b"],
            period=2026,
            status="draft",
            previous_id=ids["b_published"],
            created_at=at(2026, 3),
        )
        for ref, text in (("duq:1", "B draft 1."), ("duq:2", ""), ("duq:3", "B same 3."), ("duq:4", "")):
            ids[f"b_draft_{ref[-1]}"] = r.add(
                "section_entry",
                self_assessment_id=ids["b_draft"],
                section_ref=ref,
                statement=text,
                evidence_questions=[],
            )
        for ref, text in (("duq:1", "B statement 1."), ("duq:2", "B statement 2."), ("duq:3", "B same 3.")):
            r.add(
                "provider_statement",
                organisation_id=ids["org_b"],
                section_ref=ref,
                text=text,
                updated_at=at(2026, 4),
                updated_by_id=ids["user_b"],
            )

        # C: only a published 2026 self-assessment (with an open and a done action point).
        ids["c_published"] = r.add(
            "self_assessment",
            organisation_id=ids["org_c"],
            period=2026,
            status="published",
            created_at=at(2026, 1),
            published_at=at(2026, 2),
            snapshot={"period": 2026, "sections": {}},
        )
        ids["c_published_1"] = r.add(
            "section_entry",
            self_assessment_id=ids["c_published"],
            section_ref="duq:1",
            statement="C published 1.",
            evidence_questions=["your-support:listened"],
        )
        ids["c_open_action"] = r.add(
            "action_point",
            section_entry_id=ids["c_published_1"],
            what="Ask more",
            who="Manager",
            by_when=date(2026, 9, 1),
            status="planned",
            outcome="",
        )
        r.add(
            "action_point",
            section_entry_id=ids["c_published_1"],
            what="Done already",
            who="Manager",
            by_when=date(2026, 3, 1),
            status="done",
            outcome="Done.",
        )
        r.add(
            "provider_statement",
            organisation_id=ids["org_c"],
            section_ref="duq:1",
            text="C statement 1.",
            updated_at=at(2026, 5),
            updated_by_id=ids["user_c"],
        )

        # Verdicts of signed checks, on the texts as the experts saw them.
        def verdict(org: str, year: int, ref: str, text: str) -> int:
            expert = r.add(
                "user_account",
                organisation_id=ids[f"org_{org}"],
                email=f"expert-{org}-{ref[-1]}-{year}@x.example",
                name="Expert",
                role="expert",
                password_hash=NO_PASSWORD,
                active=True,
                failed_sign_ins=0,
                created_at=at(2025),
            )
            visit = r.add(
                "visit",
                organisation_id=ids[f"org_{org}"],
                service_id=ids[f"service_{org}"],
                visit_date=date(year, 5, 1),
                expert_id=expert,
                questionnaires=["your-support"],
                status="closed",
                created_at=at(year, 5),
            )
            check = r.add("verification", visit_id=visit, created_at=at(year, 5), signed_at=at(year, 5))
            return r.add(
                "verification_verdict",
                verification_id=check,
                section_ref=ref,
                statement_text=text,
                verdict="partly",
                reasons=["we_saw"],
                updated_at=at(year, 5),
            )

        ids["v_a1"] = verdict("a", 2025, "duq:1", "A says 1.")
        ids["v_b1"] = verdict("b", 2026, "duq:1", "B statement 1.")
        ids["v_b2_old"] = verdict("b", 2026, "duq:2", "An older text nobody kept.")
        ids["v_b3"] = verdict("b", 2026, "duq:3", "B same 3.")
    return ids


def test_the_migration_moves_every_statement_and_loses_nothing(engine: Engine) -> None:
    migrate(engine, "0004")
    ids = write_old_data(engine)
    migrate(engine, REVISION)

    with engine.connect() as connection:
        assert "provider_statement" not in sa.inspect(connection).get_table_names()
        meta = sa.MetaData()
        meta.reflect(connection)
        sa_t, entry_t = meta.tables["self_assessment"], meta.tables["section_entry"]
        actions_t, verdict_t = meta.tables["action_point"], meta.tables["verification_verdict"]
        audit_t = meta.tables["audit_event"]

        def assessments(org: str) -> list:
            return connection.execute(
                sa.select(sa_t).where(sa_t.c.organisation_id == ids[f"org_{org}"]).order_by(sa_t.c.id)
            ).all()

        def statements(assessment_id: int) -> dict[str, str]:
            return {
                row.section_ref: row.statement
                for row in connection.execute(
                    sa.select(entry_t).where(entry_t.c.self_assessment_id == assessment_id)
                )
            }

        # A: a draft for 2025 was started, with every section, and holds both statements.
        [a_draft] = assessments("a")
        assert (a_draft.period, a_draft.status, a_draft.previous_id) == (2025, "draft", None)
        assert statements(a_draft.id) == {
            "duq:1": "A says 1.",
            "duq:2": "A says 2.",
            "duq:3": "",
            "duq:4": "",
            "duq:5": "",
        }

        # B: the newest draft gets the statements; a different text is kept beside the moved one.
        assert [a.id for a in assessments("b")] == [ids["b_published"], ids["b_draft"]]
        assert statements(ids["b_draft"]) == {
            "duq:1": "B draft 1.\n\nB statement 1.",
            "duq:2": "B statement 2.",
            "duq:3": "B same 3.",
            "duq:4": "",
        }
        assert statements(ids["b_published"]) == {"duq:1": "B published 1."}  # published: untouched

        # C: its only self-assessment is published, so a draft copies it, as the composer would.
        c_published, c_draft = assessments("c")
        assert c_published.status == "published" and statements(c_published.id) == {"duq:1": "C published 1."}
        assert (c_draft.period, c_draft.status, c_draft.previous_id) == (2026, "draft", ids["c_published"])
        c_entries = statements(c_draft.id)
        assert c_entries["duq:1"] == "C published 1.\n\nC statement 1." and len(c_entries) == 5
        copied = connection.execute(
            sa.select(actions_t)
            .join(entry_t, entry_t.c.id == actions_t.c.section_entry_id)
            .where(entry_t.c.self_assessment_id == c_draft.id)
        ).all()
        assert [(a.what, a.status, a.copied_from_id) for a in copied] == [
            ("Ask more", "planned", ids["c_open_action"])
        ]

        # Verdicts keep their text and point at the section they judged, where that is clear.
        linked = {
            row.id: (row.statement_text, row.section_entry_id)
            for row in connection.execute(sa.select(verdict_t))
        }
        a_entry_1 = connection.execute(
            sa.select(entry_t.c.id).where(
                entry_t.c.self_assessment_id == a_draft.id, entry_t.c.section_ref == "duq:1"
            )
        ).scalar_one()
        assert linked[ids["v_a1"]] == ("A says 1.", a_entry_1)
        assert linked[ids["v_b1"]] == ("B statement 1.", ids["b_draft_1"])  # inside the joined text
        assert linked[ids["v_b3"]] == ("B same 3.", ids["b_draft_3"])
        assert linked[ids["v_b2_old"]] == ("An older text nobody kept.", None)

        # Each move is in the audit trail, with the text before and after.
        moves = connection.execute(
            sa.select(audit_t).where(audit_t.c.action == "statement.move").order_by(audit_t.c.id)
        ).all()
        assert [m.detail["moved"] for m in moves] == [
            "A says 1.",
            "A says 2.",
            "B statement 1.",
            "B statement 2.",
            "B same 3.",
            "C statement 1.",
        ]
        assert [m.detail["joined"] for m in moves] == [False, False, True, False, False, True]
        assert moves[2].detail["before"] == "B draft 1."

    # Going back gives each section's newest statement to provider_statement again.
    migrate(engine, "0004", down=True)
    with engine.connect() as connection:
        table = sa.Table("provider_statement", sa.MetaData(), autoload_with=connection)
        back = {
            (row.organisation_id, row.section_ref): row.text for row in connection.execute(sa.select(table))
        }
        assert back[(ids["org_b"], "duq:2")] == "B statement 2."
        assert back[(ids["org_c"], "duq:1")] == "C published 1.\n\nC statement 1."
        columns = {c["name"] for c in sa.inspect(connection).get_columns("verification_verdict")}
        assert "section_entry_id" not in columns
