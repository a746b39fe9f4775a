"""An organisation's own questionnaires (issue 12, item 3): a draft kept as YAML text, published
as a questionnaire version that carries the organisation's id. Shipped versions keep no
organisation (NULL) and stay unique by their hash; an organisation's own are unique within it, so
two organisations that publish the same text each keep their own version. Nothing stored changes.

Revision ID: 0014_own_questionnaires
Revises: 0013_expert_picture
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_own_questionnaires"
down_revision = "0013_expert_picture"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_constraint("uq_questionnaire_version_content_hash", type_="unique")
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_questionnaire_version_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
        )
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_questionnaire_version_organisation_id"), ["organisation_id", "content_hash"]
        )
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questionnaire_version_content_hash"), ["content_hash"], unique=False
        )
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questionnaire_version_organisation_id"), ["organisation_id"], unique=False
        )
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.create_index(
            "uq_questionnaire_version_shipped_hash",
            ["content_hash"],
            unique=True,
            sqlite_where=sa.text("organisation_id IS NULL"),
            postgresql_where=sa.text("organisation_id IS NULL"),
        )
    op.create_table(
        "own_questionnaire",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("based_on", sa.String(length=80), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_own_questionnaire_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_own_questionnaire_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_own_questionnaire_updated_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["questionnaire_version.id"],
            name=op.f("fk_own_questionnaire_version_id_questionnaire_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_own_questionnaire")),
        sa.UniqueConstraint("organisation_id", "slug", name=op.f("uq_own_questionnaire_organisation_id")),
    )
    with op.batch_alter_table("own_questionnaire", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_own_questionnaire_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("own_questionnaire", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_own_questionnaire_organisation_id"))
    op.drop_table("own_questionnaire")
    op.execute("DELETE FROM questionnaire_version WHERE organisation_id IS NOT NULL")
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_index("uq_questionnaire_version_shipped_hash")
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_version_organisation_id"))
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_version_content_hash"))
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_questionnaire_version_organisation_id"), type_="unique")
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_questionnaire_version_organisation_id_organisation"), type_="foreignkey"
        )
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_questionnaire_version_content_hash"), ["content_hash"]
        )
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_column("organisation_id")
