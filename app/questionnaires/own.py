"""An organisation's own questionnaires (issue 12, item 3): copy a shipped template, change the
draft as YAML text, publish it as a version of the organisation's own.

The questionnaires an organisation can use are ``catalogue``: the shipped templates plus its own
published ones. Another organisation never sees them: every lookup goes through the organisation's
id. A plain module: callers pass the session, the registry (``LoadResult``) and who is acting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..models import OwnQuestionnaire, QuestionnaireVersion, utcnow
from .loader import QUESTIONNAIRE_ID, LoadResult, SurveyError, SurveyFileError, load_questionnaire_text
from .schema import SURVEY_MAX_BYTES, Questionnaire

#: what a copy's id ends with unless another is asked for
COPY_SUFFIX = "-own"
DRAFT, PUBLISHED, CHANGED = "draft", "published", "changed"
_ID_LINE = re.compile(r"^id:[^\n]*$", re.MULTILINE)


@dataclass(frozen=True)
class Checks:
    """What a draft is checked against: the frameworks' sections, the symbols, the size limit."""

    section_refs: set[str]
    symbols: set[str] | None
    max_bytes: int = SURVEY_MAX_BYTES
    #: the organisation's own pictures a draft may name (``symbol: own:<name>``)
    pictures: frozenset[str] = frozenset()


def checks_for(
    registry: LoadResult,
    symbols: set[str] | None,
    max_bytes: int = SURVEY_MAX_BYTES,
    pictures: frozenset[str] = frozenset(),
) -> Checks:
    refs: set[str] = set().union(*(f.section_refs() for f in registry.frameworks.values()))
    return Checks(refs, symbols, int(max_bytes), pictures)


class OwnError(Exception):
    """A change that cannot be made (the message is easy-read, for the person who asked)."""


# -- what an organisation can use -------------------------------------------------------------------
_BUILT: dict[str, Questionnaire] = {}


def _built(version: QuestionnaireVersion) -> Questionnaire:
    found = _BUILT.get(version.content_hash)
    if found is None:
        found = _BUILT[version.content_hash] = Questionnaire.from_dict(version.definition, source="own")
    return found


def catalogue(db: Session, registry: LoadResult, organisation_id: int | None) -> dict[str, Questionnaire]:
    """The questionnaires this organisation can use: the shipped templates and its own published
    ones (None: no organisation, the shipped ones only)."""
    found = dict(registry.questionnaires)
    if organisation_id is None:
        return found
    rows = db.scalars(
        select(QuestionnaireVersion)
        .join(OwnQuestionnaire, OwnQuestionnaire.version_id == QuestionnaireVersion.id)
        .where(OwnQuestionnaire.organisation_id == organisation_id)
        .order_by(OwnQuestionnaire.slug)
    )
    for version in rows:
        if version.organisation_id == organisation_id and version.slug not in registry.questionnaires:
            found[version.slug] = _built(version)
    return found


def templates(registry: LoadResult) -> list[Questionnaire]:
    """The shipped questionnaires an organisation may copy (not an Expert by Experience's checklist)."""
    return sorted(
        (q for q in registry.questionnaires.values() if q.audience != "expert"),
        key=lambda q: q.title.casefold(),
    )


def own_list(db: Session, organisation_id: int) -> list[OwnQuestionnaire]:
    return list(
        db.scalars(
            select(OwnQuestionnaire)
            .where(OwnQuestionnaire.organisation_id == organisation_id)
            .order_by(OwnQuestionnaire.title, OwnQuestionnaire.id)
        )
    )


def own(db: Session, organisation_id: int, own_id: int) -> OwnQuestionnaire | None:
    """The organisation's own questionnaire with this id; another organisation's is None."""
    found = db.get(OwnQuestionnaire, own_id)
    return found if found is not None and found.organisation_id == organisation_id else None


def version_counts(db: Session, organisation_id: int) -> dict[str, int]:
    """How many versions each own questionnaire has published, by its id."""
    rows = db.execute(
        select(QuestionnaireVersion.slug, func.count())
        .where(QuestionnaireVersion.organisation_id == organisation_id)
        .group_by(QuestionnaireVersion.slug)
    )
    return {slug: count for slug, count in rows}


# -- changes ----------------------------------------------------------------------------------------
def template_text(template: Questionnaire, surveys_dir: str | Path) -> str:
    """The shipped file's own text (its comments and layout kept)."""
    return (Path(surveys_dir).parent / str(template.source)).read_text(encoding="utf-8")


def _new_draft(
    db: Session,
    actor: audit.Actor,
    organisation_id: int,
    questionnaire: Questionnaire,
    text: str,
    action: str,
    based_on: str | None = None,
    **detail: str,
) -> OwnQuestionnaire:
    """A new own questionnaire holding ``text`` (already checked) as its draft, audited as ``action``."""
    now = utcnow()
    made = OwnQuestionnaire(
        organisation_id=organisation_id,
        slug=questionnaire.id,
        title=questionnaire.title,
        based_on=based_on,
        source=text,
        status=DRAFT,
        created_by_id=actor.user_id,
        created_at=now,
        updated_by_id=actor.user_id,
        updated_at=now,
    )
    db.add(made)
    db.flush()
    extra = {"based_on": based_on} if based_on else {}
    audit.record(
        db,
        actor,
        action,
        organisation_id=organisation_id,
        object_type="own_questionnaire",
        object_id=made.id,
        slug=made.slug,
        **extra,
        **detail,
    )
    return made


def make_copy(
    db: Session,
    actor: audit.Actor,
    organisation_id: int,
    registry: LoadResult,
    template_id: str,
    surveys_dir: str | Path,
    checks: Checks,
    new_id: str | None = None,
) -> OwnQuestionnaire:
    """A draft copy of a shipped template for the organisation, title kept, id new."""
    template = registry.questionnaires.get(template_id)
    if template is None or template.audience == "expert":
        raise OwnError("There is no questionnaire to copy with that name.")
    slug = (new_id or f"{template.id}{COPY_SUFFIX}").strip().lower()
    taken = {o.slug for o in own_list(db, organisation_id)}
    if not new_id:
        n = 2
        while slug in taken or slug in registry.questionnaires:
            slug, n = f"{template.id}{COPY_SUFFIX}-{n}", n + 1
    if not QUESTIONNAIRE_ID.match(slug):
        raise OwnError("Use small letters, numbers and dashes for the name, like 'your-support-own'.")
    if slug in registry.questionnaires or slug in taken:
        raise OwnError("That name is used already. Choose another name.")
    text = _ID_LINE.sub(f"id: {slug}", template_text(template, surveys_dir), count=1)
    questionnaire = load_questionnaire_text(
        text, f"{slug}.yaml", checks.section_refs, checks.symbols, checks.max_bytes, checks.pictures
    )
    return _new_draft(
        db, actor, organisation_id, questionnaire, text, "own_questionnaire.copied", based_on=template.id
    )


def bring_in(
    db: Session,
    actor: audit.Actor,
    organisation_id: int,
    registry: LoadResult,
    text: str,
    checks: Checks,
    label: str,
) -> OwnQuestionnaire:
    """A questionnaire made elsewhere (an XLSForm workbook, a file) as the organisation's draft.

    Its id names it: a new own questionnaire, or the changed draft of the one with that id. A
    shipped template's id is refused (make a copy instead). Nothing is kept if it is refused.
    """
    try:
        questionnaire = load_questionnaire_text(
            text, label, checks.section_refs, checks.symbols, checks.max_bytes, checks.pictures
        )
    except SurveyFileError as exc:
        raise OwnError(str(exc.error)) from exc
    slug = questionnaire.id
    if slug in registry.questionnaires:
        raise OwnError(f"'{slug}' is the name of a questionnaire we ship. Give yours its own name (its id).")
    existing = next((o for o in own_list(db, organisation_id) if o.slug == slug), None)
    if existing is not None:
        error = save_draft(db, actor, existing, text, checks)
        if error is not None:
            raise OwnError(str(error))
        return existing
    return _new_draft(
        db, actor, organisation_id, questionnaire, text, "own_questionnaire.brought_in", source=label
    )


def check_draft(own_questionnaire: OwnQuestionnaire, text: str, checks: Checks) -> Questionnaire:
    """The draft checked as a file is; SurveyFileError at its first mistake (with its line)."""
    label = f"{own_questionnaire.slug}.yaml"
    questionnaire = load_questionnaire_text(
        text, label, checks.section_refs, checks.symbols, checks.max_bytes, checks.pictures
    )
    if questionnaire.id != own_questionnaire.slug:
        match = _ID_LINE.search(text)
        line = text[: match.start()].count("\n") + 1 if match else 1
        raise SurveyFileError(
            SurveyError(
                label,
                line,
                f"The id is '{questionnaire.id}', but this questionnaire is '{own_questionnaire.slug}'.",
                f"Write 'id: {own_questionnaire.slug}', or make a new copy for a new questionnaire.",
            )
        )
    return questionnaire


def save_draft(
    db: Session, actor: audit.Actor, own_questionnaire: OwnQuestionnaire, text: str, checks: Checks
) -> SurveyError | None:
    """Keep a changed draft if it is right; else the first mistake, and nothing is saved."""
    try:
        questionnaire = check_draft(own_questionnaire, text, checks)
    except SurveyFileError as exc:
        return exc.error
    if text == own_questionnaire.source:
        return None
    own_questionnaire.source = text
    own_questionnaire.title = questionnaire.title
    own_questionnaire.updated_by_id, own_questionnaire.updated_at = actor.user_id, utcnow()
    live = own_questionnaire.version
    if live is None:
        own_questionnaire.status = DRAFT
    else:
        own_questionnaire.status = PUBLISHED if live.content_hash == questionnaire.content_hash else CHANGED
    db.flush()
    audit.record(
        db,
        actor,
        "own_questionnaire.saved",
        organisation_id=own_questionnaire.organisation_id,
        object_type="own_questionnaire",
        object_id=own_questionnaire.id,
        slug=own_questionnaire.slug,
        content_hash=questionnaire.content_hash,
    )
    return None


def publish(
    db: Session, actor: audit.Actor, own_questionnaire: OwnQuestionnaire, checks: Checks
) -> tuple[QuestionnaireVersion, bool]:
    """Publish the draft as the organisation's version of it (named by its content hash).

    The same content published again makes no new version: (the version, False). Old answers
    keep pointing at the version they answered; new ones start on this one.
    """
    try:
        questionnaire = check_draft(own_questionnaire, own_questionnaire.source, checks)
    except SurveyFileError as exc:
        raise OwnError(str(exc.error)) from exc
    organisation_id = own_questionnaire.organisation_id
    digest = questionnaire.content_hash
    version = db.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.organisation_id == organisation_id,
            QuestionnaireVersion.content_hash == digest,
        )
    )
    created = version is None
    if version is None:
        version = QuestionnaireVersion(
            slug=questionnaire.id,
            content_hash=digest,
            organisation_id=organisation_id,
            title=questionnaire.title,
            audience=questionnaire.audience,
            definition=questionnaire.definition,
        )
        try:
            with db.begin_nested():
                db.add(version)
        except IntegrityError:  # the same text published at the same moment by another worker
            created = False
            version = db.scalars(
                select(QuestionnaireVersion).where(
                    QuestionnaireVersion.organisation_id == organisation_id,
                    QuestionnaireVersion.content_hash == digest,
                )
            ).one()
    if own_questionnaire.version_id == version.id and own_questionnaire.status == PUBLISHED:
        return version, False
    own_questionnaire.version = version
    own_questionnaire.status = PUBLISHED
    own_questionnaire.published_at = utcnow()
    own_questionnaire.updated_by_id = actor.user_id
    db.flush()
    audit.record(
        db,
        actor,
        "own_questionnaire.published",
        organisation_id=organisation_id,
        object_type="own_questionnaire",
        object_id=own_questionnaire.id,
        slug=own_questionnaire.slug,
        content_hash=digest,
        new_version=created,
    )
    return version, created


#: the first question of an empty questionnaire, for the person to change
STARTER_QUESTION = {
    "id": "happy_with_support",
    "type": "faces",
    "text": "Are you happy with your support?",
    "symbol": "support",
}


def start_empty(
    db: Session,
    actor: audit.Actor,
    organisation_id: int,
    registry: LoadResult,
    title: str,
    audience: str,
    checks: Checks,
) -> OwnQuestionnaire:
    """A new draft with its title and 1 question to change: the start of a questionnaire written
    in the editor. Its id is made from the title (unused by the templates and the organisation)."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-") or "questionnaire"
    taken = {o.slug for o in own_list(db, organisation_id)} | set(registry.questionnaires)
    slug, n = words, 2
    while slug in taken:
        slug, n = f"{words}-{n}", n + 1
    sections = sorted(checks.section_refs)[:1]
    definition = {
        "version": 2,
        "id": slug,
        "title": title.strip(),
        "audience": audience,
        "symbol": "question",
        "questions": [{**STARTER_QUESTION, "sections": sections}],
    }
    text = "# Made in the editor.\n" + yaml.safe_dump(
        definition, sort_keys=False, allow_unicode=True, width=1000
    )
    try:
        questionnaire = load_questionnaire_text(
            text, f"{slug}.yaml", checks.section_refs, checks.symbols, checks.max_bytes, checks.pictures
        )
    except SurveyFileError as exc:
        raise OwnError(str(exc.error)) from exc
    return _new_draft(db, actor, organisation_id, questionnaire, text, "own_questionnaire.started")
