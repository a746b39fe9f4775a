"""Merge the four migrations of the second round (built side by side from 0004).

0005 folds alerts into one per response, 0006 adds the quote review, 0007 makes one statement
per section, 0008 adds the session generation. They touch different tables; this revision only
joins them, so the history has one head again.

Revision ID: 0009_merge_round_two
Revises: 0005_alerts_per_response, 0006_quote_review, 0007_one_statement, 0008_session_generation
"""

revision = "0009_merge_round_two"
down_revision = (
    "0005_alerts_per_response",
    "0006_quote_review",
    "0007_one_statement",
    "0008_session_generation",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
