"""The picture an Expert by Experience chose for signing in with a picture and a PIN (issue 10,
item 12). A new empty column: existing users have no picture yet (the sign-in shows a person
symbol until they choose one); nothing stored changes.

Revision ID: 0013_expert_picture
Revises: 0012_merge_tablets_pins
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_expert_picture"
down_revision = "0012_merge_tablets_pins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("picture", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("picture")
