"""The audio queue (issue 12, item 5): texts of a newly published questionnaire wait here until
the audio worker (`flask audio-worker`) has built them. A new table; nothing stored changes.

Revision ID: 0015_audio_queue
Revises: 0014_own_questionnaires
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_audio_queue"
down_revision = "0014_own_questionnaires"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audio_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=20), nullable=False),
        sa.Column("text_key", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'building', 'done', 'failed')", name=op.f("ck_audio_job_status")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_audio_job_attempts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audio_job")),
        sa.UniqueConstraint("locale", "text_key", name=op.f("uq_audio_job_locale")),
    )
    op.create_index("ix_audio_job_status_id", "audio_job", ["status", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audio_job_status_id", table_name="audio_job")
    op.drop_table("audio_job")
