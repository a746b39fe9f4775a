"""HTTP for verification: the experts' verdicts on the self-assessment's statements, one step per
page, then their signatures (with a second step when parts are not checked) and later notes."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit, throttle
from ..auth import accounts
from ..auth.access import actor
from ..db import db
from ..models import User, Visit
from . import tablet, verification
from .blueprint import bp
from .common import edit_statements, framework, me, run_visits, the_visit, visit_to_run
from .forms import NoteForm, ProviderShouldForm, SignForm, VerdictForm, WhyForm

STEPS = ("verdict", "why", "todo")
CO_PIN_TRIES = 5  # wrong co-checker's pin numbers, per visit per 15 minutes


def _refs() -> list[str]:
    return verification.section_refs(framework())


# -- the provider's statements ---------------------------------------------------------------------
@bp.get("/statements")
@edit_statements
def statements() -> HTTPResponse:
    """The statements are the self-assessment's own (one store): write them in the composer."""
    return redirect(url_for("provider.assessments"))


# -- the experts' check ----------------------------------------------------------------------------
@bp.get("/<int:visit_id>/verify")
@run_visits
def verify(visit_id: int) -> str:
    """Each section with the experts' verdict so far; sign when done; notes after signing."""
    visit = the_visit(visit_id)
    checked = verification.verification_of(db.session, visit)
    verdicts = {v.section_ref: v for v in checked.verdicts} if checked else {}
    current = {ref: entry.statement for ref, entry in verification.statements_for(db.session, visit).items()}
    return render_template(
        "visits/verify.html",
        visit=visit,
        framework=framework(),
        verification=checked,
        verdicts=verdicts,
        note_form=NoteForm(),
        verdicts_cards=verification.VERDICTS,
        reasons=verification.REASONS,
        current=current,
    )


def _section(section_id: str) -> tuple[str, object]:
    section = next((s for s in framework().sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return f"{verification.FRAMEWORK}:{section_id}", section


def _signed_page(visit: Visit) -> tuple[str, int]:
    """Editing a signed verification: say so clearly; nothing is changed."""
    return render_template("visits/signed.html", visit=visit), 409


@bp.route("/<int:visit_id>/verify/<section_id>/<any(verdict, why, todo):step>", methods=["GET", "POST"])
@run_visits
def verify_step(visit_id: int, section_id: str, step: str) -> str | HTTPResponse | tuple[str, int]:
    """One step for one section: the verdict cards, then why, then what the provider should do."""
    visit = visit_to_run(visit_id)
    ref, section = _section(section_id)
    if visit.status == "planned":
        return redirect(url_for("visits.show", visit_id=visit.id))
    checked = verification.verification_of(db.session, visit)
    current = next((v for v in checked.verdicts if v.section_ref == ref), None) if checked else None
    if checked is not None and checked.is_signed:
        return _signed_page(visit)
    form = {"verdict": VerdictForm, "why": WhyForm, "todo": ProviderShouldForm}[step]()
    problem = None
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            _store_step(visit, ref, step, form)
        except verification.VerificationSigned:
            return _signed_page(visit)
        except verification.StatementChanged:
            problem = "statement_changed"  # shown again with the new text; nothing stored
        except verification.VerificationError:
            abort(400)
        if problem is None:
            following = STEPS.index(step) + 1
            if following < len(STEPS):
                return redirect(
                    url_for(
                        "visits.verify_step", visit_id=visit.id, section_id=section_id, step=STEPS[following]
                    )
                )
            return redirect(url_for("visits.verify", visit_id=visit.id) + f"#section-{section_id}")
    elif step != "verdict" and current is None:
        return redirect(
            url_for("visits.verify_step", visit_id=visit.id, section_id=section_id, step="verdict")
        )
    entry = verification.statement_for(db.session, visit, ref)
    text = entry.statement if entry is not None else ""
    if step != "verdict" and current is not None:
        text = current.statement_text  # the why and the todo are about the text judged
    page = render_template(
        f"visits/verify_{step}.html",
        visit=visit,
        section=section,
        ref=ref,
        statement_text=text,
        seen=verification.digest(text),
        current=current,
        form=form,
        reasons=verification.REASONS,
        verdicts=verification.VERDICTS,
        problem=problem,
    )
    return (page, 409) if problem else page


def _store_step(visit: Visit, ref: str, step: str, form: Any) -> None:
    user = me()
    if step == "verdict":
        row = verification.record_verdict(
            db.session, visit, user, ref, form.verdict.data, _refs(), seen=form.seen.data
        )
        detail = {
            "verdict": row.verdict,
            "section_entry_id": row.section_entry_id,
            "statement_text": row.statement_text,
        }
    elif step == "why":
        row = verification.record_why(
            db.session, visit, user, ref, form.reasons.data or [], form.why.data, _refs()
        )
        detail = {"reasons": row.reasons, "why": row.why}
    else:
        row = verification.record_provider_should(db.session, visit, user, ref, form.text.data, _refs())
        detail = {"provider_should": row.provider_should}
    audit.record(
        db.session,
        actor(),
        "verification.change",
        object_type="verification_verdict",
        object_id=row.id,
        visit_id=visit.id,
        section=ref,
        step=step,
        **detail,
    )


def _parts(refs: tuple[str, ...]) -> list[tuple[str, Any]]:
    """(section id, section) for each ref, in the framework's order: for the lists of parts."""
    sections = {f"{verification.FRAMEWORK}:{s.id}": s for s in framework().sections}
    return [(sections[ref].id, sections[ref]) for ref in refs if ref in sections]


def _sign_page(
    template: str,
    visit: Visit,
    form: SignForm,
    summary: verification.CheckSummary,
    problem: str | None = None,
) -> str:
    return render_template(
        template,
        visit=visit,
        form=form,
        partner=_partner(visit, me()),
        problem=problem,
        summary=summary,
        unchecked=_parts(summary.unchecked),
    )


@bp.route("/<int:visit_id>/sign", methods=["GET", "POST"])
@run_visits
def sign(visit_id: int) -> str | HTTPResponse | tuple[str, int]:
    """Sign the check: after this it cannot be changed. A co-checker signs with their pin number.

    The page says how many parts are checked and lists the others, each with a way back. With any
    part not checked, signing needs the second page ("Sign anyway"); a post that skips it is
    refused with that page (409) and nothing is signed.
    """
    visit = visit_to_run(visit_id)
    checked = verification.verification_of(db.session, visit)
    if checked is not None and checked.is_signed:
        return _signed_page(visit)
    if checked is None or not checked.verdicts:
        return redirect(url_for("visits.verify", visit_id=visit.id))
    form = SignForm()
    summary = verification.summary(checked, _refs())
    if request.method != "POST":
        return _sign_page("visits/sign.html", visit, form, summary)
    if not form.validate():
        abort(400)
    confirmed = [ref for ref in (form.unchecked_ok.data or "").split() if ref]
    if any(ref not in confirmed for ref in summary.unchecked):
        return _sign_page(
            "visits/sign_confirm.html", visit, SignForm(formdata=None), summary, "not_confirmed"
        ), 409
    partner = _partner(visit, me())
    signers: list[User] = [me()]
    co_pin = (form.co_pin.data or "").strip()
    if co_pin:
        problem = _co_pin_problem(visit, partner, co_pin)
        if problem is not None or partner is None:
            template = "visits/sign_confirm.html" if summary.unchecked else "visits/sign.html"
            return _sign_page(template, visit, form, summary, problem or "co_pin_wrong"), (
                403 if problem == "pin_account_locked" else 400
            )
        signers.append(partner)
    sid = session.get("sid")
    try:
        signed = verification.sign(
            db.session,
            visit,
            signers,
            device=request.headers.get("User-Agent"),
            session_ref=tablet.sid_ref(sid) if sid else None,
            known_refs=_refs(),
            unchecked_ok=confirmed,
        )
    except verification.UncheckedParts:  # checked again by the service: never signed unseen
        return _sign_page(
            "visits/sign_confirm.html", visit, SignForm(formdata=None), summary, "not_confirmed"
        ), 409
    audit.record(
        db.session,
        actor(),
        "verification.sign",
        object_type="verification",
        object_id=signed.id,
        visit_id=visit.id,
        signers=[u.id for u in signers],
        checked=list(summary.checked),
        signed_unchecked=list(summary.unchecked),
    )
    return redirect(url_for("visits.verify", visit_id=visit.id))


@bp.get("/<int:visit_id>/sign/unchecked")
@run_visits
def sign_confirm(visit_id: int) -> str | HTTPResponse | tuple[str, int]:
    """The second step: "Some parts are not checked. Do you want to sign anyway?"."""
    visit = visit_to_run(visit_id)
    checked = verification.verification_of(db.session, visit)
    if checked is not None and checked.is_signed:
        return _signed_page(visit)
    if checked is None or not checked.verdicts:
        return redirect(url_for("visits.verify", visit_id=visit.id))
    summary = verification.summary(checked, _refs())
    if not summary.unchecked:
        return redirect(url_for("visits.sign", visit_id=visit.id))
    return _sign_page("visits/sign_confirm.html", visit, SignForm(), summary)


def _co_pin_problem(visit: Visit, partner: User | None, co_pin: str) -> str | None:
    """Check the co-checker's pin number: None when right, else what to say.

    At most 5 wrong tries per visit in 15 minutes, and (through check_pin_counted) 10 wrong ones
    in a row per account over every visit and handover lock the PIN. The counts and the audit of
    a wrong try are written on their own connection: they stick although the answer is an error.
    """
    key = f"co-sign:{visit.id}"
    if throttle.over(db.session, key, CO_PIN_TRIES, 900):
        abort(429)

    def refused(own: Any, check: Any = None) -> None:
        throttle.hit(own, key, 900)
        audit.record(
            own,
            actor(),
            "verification.co_pin_wrong",
            object_type="visit",
            object_id=visit.id,
            co_checker=partner.id if partner else None,
            pin_locked=bool(check and check.locked),
        )

    if partner is None:  # nobody to sign with: a wrong try all the same
        throttle.kept(db.session, refused)
        return "co_pin_wrong"
    check = accounts.check_pin_counted(
        db.session, partner, co_pin, actor(), on_refused=refused, visit_id=visit.id, via="co_sign"
    )
    if check.ok:
        return None
    return "pin_account_locked" if check.locked else "co_pin_wrong"


def _partner(visit: Visit, user: User) -> User | None:
    """The other expert on the visit, who can sign too with their pin number."""
    if user.id == visit.expert_id:
        return visit.co_checker
    if user.id == visit.co_checker_id:
        return visit.expert
    return None


@bp.post("/<int:visit_id>/notes")
@run_visits
def add_note(visit_id: int) -> HTTPResponse:
    """Add a dated note to a signed check (the only change allowed after signing)."""
    visit = visit_to_run(visit_id)
    form = NoteForm()
    if not form.validate():
        abort(400)
    try:
        note = verification.add_note(db.session, visit, me(), form.text.data)
    except verification.VerificationError:
        abort(400)
    audit.record(
        db.session,
        actor(),
        "verification.note",
        object_type="verification_note",
        object_id=note.id,
        visit_id=visit.id,
    )
    return redirect(url_for("visits.verify", visit_id=visit.id) + "#notes")
