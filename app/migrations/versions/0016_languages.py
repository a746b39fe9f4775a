"""Languages (issue 13): the languages an organisation's tablets offer, and the language each
answer was given in. Two new columns; nothing stored changes (old answers: language unknown).

Revision ID: 0016_languages
Revises: 0015_audio_queue
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_languages"
down_revision = "0015_audio_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("languages", sa.String(length=200), server_default="", nullable=False))
    with op.batch_alter_table("answer") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answer") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("languages")
