"""Merge 0010 (tablets and unguessable start links) and 0011 (PIN failures per account).

Revision ID: 0012_merge_tablets_pins
Revises: 0010_tablets, 0011_pin_failures
"""

revision = "0012_merge_tablets_pins"
down_revision = ("0010_tablets", "0011_pin_failures")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
