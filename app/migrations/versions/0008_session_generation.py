"""session generation: a number per user, kept in the session cookie at sign-in; adding 1 ends
every session of that user (sign-out, new password or PIN, switched off, new role). Existing users
get 0, so their sessions from before this migration end once (their cookies hold no number).

The new "operator" role needs no change here: roles are a VARCHAR(20) with no CHECK constraint
(the model's Enum has native_enum=False and makes no constraint), and "operator" fits.

Revision ID: 0008_session_generation
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_session_generation"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
