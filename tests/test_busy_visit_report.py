"""The visit report starts with "What stands out" (issue 10, item 13): what the experts saw that
was not good, the parts they do not agree with, open safety worries (a link for the leads), and
what changed since the last visit; then the details folded per Code section."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from flask import Flask
from helpers.app import add_users
from helpers.visits import visit_seen
from helpers.world import signed_in


def summary_of(page: str) -> str:
    start = page.index('<section class="stands-out"')
    return html.unescape(page[start : page.index("</section>", start)])


def test_the_summary_names_what_was_not_good_and_what_changed(app: Flask) -> None:
    add_users(app)
    expert = signed_in(app, "expert@demo.example")
    visit_seen(app, expert, {"friendly": "happy", "clean": "sad"}, when=date.today() - timedelta(days=365))
    visit_id = visit_seen(app, expert, {"friendly": "sad", "clean": "happy", "choose": "no"})
    lead = signed_in(app, "quality_lead@demo.example")
    page = lead.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    summary = summary_of(page)
    not_good = summary[summary.index("What was not good") : summary.index("Since the last visit")]
    assert "Did the home feel friendly?" in not_good
    assert "Could people choose what to do? No" in not_good
    assert "Was it clean?" not in not_good  # happy this time: not in the list
    since = summary[summary.index("Since the last visit") :]
    assert (date.today() - timedelta(days=365)).strftime("%-d %B %Y") in since
    assert "Did the home feel friendly? Before: Happy. Now: Sad." in since
    assert "Before: Sad. Now: Happy." in since  # the clean question got better
    # the details are folded per Code section, all closed on screen, all open on paper
    folds = re.findall(r'<details class="fold"[^>]*>', page)
    assert len(folds) >= 6 and not any(" open" in f for f in folds)
    printed = lead.get(f"/visits/{visit_id}/report/print").get_data(as_text=True)
    assert all(" open" in f for f in re.findall(r'<details class="fold"[^>]*>', printed))


def test_the_first_visit_says_there_is_nothing_to_compare(app: Flask) -> None:
    add_users(app)
    expert = signed_in(app, "expert@demo.example")
    visit_id = visit_seen(app, expert, {"friendly": "happy"})
    summary = summary_of(expert.get(f"/visits/{visit_id}/report").get_data(as_text=True))
    assert "This is the first visit here." in summary
    assert "We did not see anything bad." in summary


def test_open_safety_worries_are_counted_and_linked_for_the_leads_only(app: Flask) -> None:
    add_users(app)
    expert = signed_in(app, "expert@demo.example")
    visit_id = visit_seen(app, expert, {"friendly": "happy", "worried": "yes"})
    lead = signed_in(app, "quality_lead@demo.example")
    summary = summary_of(lead.get(f"/visits/{visit_id}/report").get_data(as_text=True))
    assert "Safety worries still open: 1." in summary
    assert 'href="/provider/alerts"' in summary
    # "Are you worried about anyone's safety?" yes is the bad answer on that question
    assert "Did you see anything that worried you? Yes" in summary
    mine = summary_of(expert.get(f"/visits/{visit_id}/report").get_data(as_text=True))
    assert "Safety worries still open: 1." in mine and "/provider/alerts" not in mine
    viewer = signed_in(app, "viewer@demo.example")
    theirs = summary_of(viewer.get(f"/visits/{visit_id}/report").get_data(as_text=True))
    assert "Safety worries" not in theirs and "/provider/alerts" not in theirs
