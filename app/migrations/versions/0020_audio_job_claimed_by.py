"""Which worker process claimed an audio job (``host:pid``), so that when that process dies (a
crash inside the speech engine, a stuck build stopped by its watchdog) the job it held goes back
in the queue at once rather than after STALE_AFTER.

Revision ID: 0020_audio_job_claimed_by
Revises: 0019_stored_days
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_audio_job_claimed_by"
down_revision = "0019_stored_days"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audio_job") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audio_job") as batch:
        batch.drop_column("claimed_by")
