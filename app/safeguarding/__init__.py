"""Safeguarding: a possible disclosure of harm reaches the organisation's safeguarding lead.

detection (which answers are signals), alerts (one per response, its lifecycle, reminders) and
outbox (mail written with the alert, sent after commit). This is the public API.
"""

from .alerts import (
    ANYTHING_ELSE_TEXT,
    AlertError,
    acknowledge,
    add_signal,
    alert_for_response,
    alerts_in_order,
    check_answer,
    check_stored,
    close,
    is_overdue,
    mark_urgent,
    open_alerts,
    open_count,
    overdue_cutoff,
    remind_overdue,
)
from .detection import CONCERN_WORDS, concern_words, matches
from .outbox import lead_for, recipients, send_pending
from .sending import sweep

__all__ = [
    "ANYTHING_ELSE_TEXT",
    "CONCERN_WORDS",
    "AlertError",
    "acknowledge",
    "add_signal",
    "alert_for_response",
    "alerts_in_order",
    "check_answer",
    "check_stored",
    "close",
    "concern_words",
    "is_overdue",
    "lead_for",
    "mark_urgent",
    "matches",
    "open_alerts",
    "open_count",
    "overdue_cutoff",
    "recipients",
    "remind_overdue",
    "send_pending",
    "sweep",
]
