"""PIN failures per account: wrong PINs in a row over every visit and handover, and when the
PIN was locked (at the 10th). Existing users start at 0 failures and unlocked; nothing else
changes, so nothing stored is lost.

Revision ID: 0011_pin_failures
Revises: 0009_merge_round_two
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_pin_failures"
down_revision = "0009_merge_round_two"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pin_failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("pin_locked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("pin_locked_at")
        batch_op.drop_column("pin_failures")
