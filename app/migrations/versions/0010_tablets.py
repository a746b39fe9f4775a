"""tablets: unguessable start links and tablets enrolled to a service

Service.code widens to 64 characters and every existing service gets a new, unguessable code
(192 random bits). The old 8-character codes were listed on the public start page, so they must
stop working: after this migration every old start link answers 404 and staff copy the new link
from the admin services page (or enrol the tablet there). No other data changes.

The new table ``tablet`` holds the tablets that staff enrolled to a service.

Revision ID: 0010_tablets
Revises: 0009_merge_round_two
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010_tablets"
down_revision = "0009_merge_round_two"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.alter_column(
            "code", existing_type=sa.String(length=32), type_=sa.String(length=64), existing_nullable=False
        )
    connection = op.get_bind()
    service = sa.table("service", sa.column("id", sa.Integer), sa.column("code", sa.String))
    for (service_id,) in connection.execute(sa.select(service.c.id)).all():
        connection.execute(
            service.update().where(service.c.id == service_id).values(code=secrets.token_urlsafe(24))
        )
    op.create_table(
        "tablet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("enrolled_by_id", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolled_by_id"], ["user_account.id"], name=op.f("fk_tablet_enrolled_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_tablet_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tablet")),
        sa.UniqueConstraint("nonce", name=op.f("uq_tablet_nonce")),
    )
    with op.batch_alter_table("tablet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tablet_service_id"), ["service_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tablet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tablet_service_id"))
    op.drop_table("tablet")
    # The new codes are 32 characters, so they fit the old column; the old links stay ended.
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.alter_column(
            "code", existing_type=sa.String(length=64), type_=sa.String(length=32), existing_nullable=False
        )
