"""What a stored value is called on a page: statuses, roles, verdicts, who sent a challenge.

The database keeps short English values ("raised", "quality_lead"). Each value set here maps them
to lazy strings, so `make translations` finds every name (with a note for translators) and a page
shows it in the reader's language. Templates call ``label(kind, value)``; never ``_(value)``,
which the catalog could not know.
"""

from __future__ import annotations

from flask_babel import lazy_gettext

LABELS = {
    "assessment_status": {
        # i18n: a self-assessment's status: still being written
        "draft": lazy_gettext("draft"),
        # i18n: a self-assessment's status: checked by a second person, ready to publish
        "reviewed": lazy_gettext("reviewed"),
        # i18n: a self-assessment's status: published on the public pages
        "published": lazy_gettext("published"),
    },
    "action_status": {
        # i18n: an action point (something the provider will do): not started yet
        "planned": lazy_gettext("planned"),
        # i18n: an action point: work on it has started
        "started": lazy_gettext("started"),
        # i18n: an action point: finished
        "done": lazy_gettext("done"),
        # i18n: an action point: the provider decided not to do it
        "dropped": lazy_gettext("dropped"),
    },
    "verdict": {
        # i18n: Experts by Experience's verdict on a provider's statement: they agree with it
        "agree": lazy_gettext("agree"),
        # i18n: Experts by Experience's verdict: they agree with part of it
        "partly": lazy_gettext("partly"),
        # i18n: Experts by Experience's verdict: they do not agree
        "disagree": lazy_gettext("disagree"),
    },
    "alert_status": {
        # i18n: a safeguarding alert's status: nobody has acted on it yet
        "raised": lazy_gettext("Waiting for someone to act"),
        # i18n: a safeguarding alert's status: a member of staff is acting on it
        "acknowledged": lazy_gettext("Someone is acting on it"),
        # i18n: a safeguarding alert's status: dealt with and closed
        "closed": lazy_gettext("Closed"),
    },
    "role": {
        # i18n: a staff role: manages their organisation's users and services
        "admin": lazy_gettext("Admin"),
        # i18n: a staff role: writes the self-assessment and reads the figures
        "quality_lead": lazy_gettext("Quality lead"),
        # i18n: a staff role: a person with a learning disability paid to check services
        "expert": lazy_gettext("Expert by Experience"),
        # i18n: a staff role: may read the figures, changes nothing
        "viewer": lazy_gettext("Viewer"),
        # i18n: the people who run the whole EasyVoice site
        "operator": lazy_gettext("Site operator"),
    },
    "relation": {
        # i18n: who sent a challenge: a person the provider supports
        "person_supported": lazy_gettext("A person supported"),
        # i18n: who sent a challenge: a family member
        "family": lazy_gettext("Family"),
        # i18n: who sent a challenge: a member of staff
        "staff": lazy_gettext("Staff"),
        # i18n: who sent a challenge: someone who pays for the service (a council, the NHS)
        "commissioner": lazy_gettext("Commissioner"),
        # i18n: who sent a challenge: a member of the public
        "public": lazy_gettext("Member of the public"),
        # i18n: who sent a challenge: anyone else
        "other": lazy_gettext("Other"),
    },
}


def label(kind: str, value: object) -> str:
    """The name of ``value`` (a stored value of the set ``kind``) in the reader's language."""
    raw = getattr(value, "value", value)  # an enum member (Role) or its stored string
    return str(LABELS[kind].get(str(raw), raw))
