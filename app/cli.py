"""Flask commands: init-db, load-surveys, build-audio, audio-worker, demo, refresh-figures,
export-xlsform, import-xlsform (``flask --app wsgi <command>``)."""

from __future__ import annotations

import ctypes
import faulthandler
import io
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from . import audit
from .db import db
from .easyread.audio import load_recordings
from .easyread.speech import SpeechUnavailable
from .models import Organisation, Response, Role, Service, latest_mark, utcnow
from .respond.spoken import spoken_texts


def init_app(app: Flask) -> None:
    for command in (
        init_db,
        make_migration,
        load_surveys,
        build_audio,
        audio_worker,
        demo,
        create_user,
        purge,
        send_mail,
        refresh_figures,
    ):
        app.cli.add_command(command)
    for command in (export_xlsform, import_xlsform):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database tables (Alembic migrations)."""
    from .db import upgrade

    upgrade(db.engine)
    click.echo("The database is up to date.")


@click.command("make-migration")
@with_appcontext
@click.argument("message")
def make_migration(message: str) -> None:
    """(Developers) write a migration for what changed in app/models."""
    from .db import revision

    revision(db.engine, message)


@click.command("load-surveys")
@with_appcontext
def load_surveys() -> None:
    """Check every survey file; store a version for each good questionnaire."""
    from .questionnaires.loader import load_configured
    from .respond.journey import version_for

    result = load_configured(current_app.config)
    current_app.extensions["easyvoice.surveys"] = result
    for error in result.errors:
        click.echo(f"Problem: {error}", err=True)
    for questionnaire in result.questionnaires.values():
        version = version_for(db.session, questionnaire)
        click.echo(
            f"OK: {questionnaire.source} ({len(questionnaire.questions)} questions, "
            f"version {version.content_hash})"
        )
    db.session.commit()
    click.echo(
        f"{len(result.questionnaires)} questionnaires, {len(result.frameworks)} frameworks, "
        f"{len(result.errors)} problems."
    )
    if result.errors:
        sys.exit(1)


@click.command("build-audio")
@with_appcontext
def build_audio() -> None:
    """Synthesise every spoken text ahead of time (cached: a second run synthesises nothing)."""
    _say_where_it_crashes()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions["easyvoice.audio"]
    texts = spoken_texts(app)
    started = time.perf_counter()
    try:
        report = store.build(
            texts,
            app.config["VOICES"],
            int(app.config["SPEECH_RATE"]),
            recordings=load_recordings(Path(app.config["ASSETS_DIR"])),
            progress=BuildProgress(sys.stdout.isatty()),
        )
    except SpeechUnavailable as exc:
        click.echo(f"Audio was not built. {exc}", err=True)
        sys.exit(2)
    took = time.perf_counter() - started
    for problem in report.problems:
        click.echo(f"Problem: {problem}", err=True)
    if report.synthesised == 0:
        click.echo(
            f"Nothing to synthesise: all {report.cached} texts already have audio "
            f"({report.recorded} human recordings). {took:.1f} s."
        )
    else:
        rate = report.bytes_written / report.seconds_of_speech if report.seconds_of_speech else 0
        click.echo(
            f"Synthesised {report.synthesised} texts, {report.cached} were cached, "
            f"{report.recorded} human recordings. {report.seconds_of_speech:.0f} s of speech "
            f"in {report.bytes_written / 1024:.0f} KB ({rate / 1024:.1f} KB per second). "
            f"{took:.1f} s."
        )


class BuildProgress:
    """What ``build-audio`` shows while it works: texts done, languages, time left. On a terminal
    one bar redrawn in place; in a log, a line at each tenth of the way."""

    WIDTH = 30

    def __init__(self, redraw: bool) -> None:
        self.redraw = redraw
        self.started = time.perf_counter()
        self.locales: set[str] = set()
        self.tenth = 0

    def __call__(self, done: int, total: int, locale: str) -> None:
        self.locales.add(locale)
        tenth = done * 10 // total
        if not self.redraw and tenth == self.tenth and done < total:
            return
        self.tenth = tenth
        took = time.perf_counter() - self.started
        left = took / done * (total - done)
        filled = self.WIDTH * done // total
        languages = len(self.locales)
        line = (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done} of {total} texts, "
            f"{languages} language{'s' if languages != 1 else ''}, about {left:.0f} s left"
        )
        if self.redraw:
            click.echo(f"\r{line}", nl=done == total)
        else:
            click.echo(line)


@click.command("audio-worker")
@click.option("--once", is_flag=True, help="build what is queued, then stop (tests, cron)")
@click.option(
    "--poll", type=click.FloatRange(min=0.05), default=1.0, help="seconds between looks at the queue"
)
@click.option("--builder", is_flag=True, hidden=True, help="be the builder a supervising worker started")
@with_appcontext
def audio_worker(once: bool, poll: float, builder: bool) -> None:
    """Build the audio of queued texts (newly published questionnaires), one at a time.

    This process supervises a builder: the same command as a child process with one speech engine,
    started once and warmed; never a web worker. Each job is claimed and committed on its own, so
    several workers can share one queue. Stops cleanly on SIGTERM or Ctrl+C (after the text it is
    building). When the builder dies (a crash inside espeak-ng or libopus) or is stuck on one text
    for AUDIO_JOB_TIMEOUT_SECONDS (it prints where, then stops), the text it held goes back in the
    queue (failed after 3 tries) and a fresh builder starts.

    When no text is waiting, at most every FIGURES_REFRESH_SECONDS (0: never) it also counts and
    keeps the dashboard's figures of months and days that have ended (``keep_figures``), so the
    first reader after a month or day ends does not wait for it. ``--once`` does that once before it stops.
    """
    if builder or "audio-worker" not in sys.orig_argv:  # a builder, or called in-process
        _build_queued_texts(once, poll)
    else:
        _supervise_builder()


#: a builder that dies this soon after it started, holding no text, counts towards giving up
QUICK_DEATH_SECONDS = 30.0
#: quick deaths in a row after which the worker stops (the database is gone, the disk is full)
QUICK_DEATHS = 5


def _supervise_builder() -> None:
    """Run this command again with ``--builder`` and start it again whenever it dies; put the text
    it held back in the queue. This process never starts a speech engine, so forking it is safe."""
    from .easyread import audio_queue

    command = [*sys.orig_argv, "--builder"]
    stop = threading.Event()
    child: subprocess.Popen[bytes] | None = None

    def forward(_signum: int, _frame: object) -> None:
        stop.set()
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    quick_deaths = 0
    try:
        while True:
            started = time.monotonic()
            child = subprocess.Popen(command, env={**os.environ, SUPERVISOR_VARIABLE: str(os.getpid())})  # noqa: S603
            if stop.is_set():  # told to stop while it was being started
                child.terminate()
            code = child.wait()
            if stop.is_set():  # told to stop: a builder ended by that SIGTERM before it could say so
                sys.exit(0 if code == -signal.SIGTERM else code)
            if code in (0, 2):  # done (--once), or no speech engine here: starting again won't help
                sys.exit(code)
            how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
            reason = f"The audio worker's builder stopped while building it ({how})."
            try:
                held = audio_queue.release(db.session, audio_queue.worker_name(child.pid), reason)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - the database may be what failed; STALE_AFTER frees it later
                db.session.rollback()
                held = []
                click.echo(f"Could not put its text back in the queue: {type(exc).__name__}: {exc}", err=True)
            click.echo(
                f"The audio worker's builder stopped ({how}); {len(held)} text(s) went back in the "
                "queue. Starting a new builder.",
                err=True,
            )
            quick = not held and time.monotonic() - started < QUICK_DEATH_SECONDS
            quick_deaths = quick_deaths + 1 if quick else 0
            if quick_deaths >= QUICK_DEATHS:
                click.echo(f"The builder stopped {QUICK_DEATHS} times in a row; the worker stops.", err=True)
                sys.exit(1)
            if stop.wait(min(30.0, 2.0**quick_deaths) if quick else 0.5):
                sys.exit(0)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _say_where_it_crashes() -> bool:
    """Have a crash inside a C library (espeak-ng, libopus) print the Python stack on stderr; False
    where stderr is not a real file (click's test runner calls commands in-process)."""
    try:
        faulthandler.enable()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return False
    return True


#: set in a builder's environment to its supervisor's process id
SUPERVISOR_VARIABLE = "EASYVOICE_AUDIO_WORKER_SUPERVISOR"


def _end_with_supervisor() -> None:
    """Ask Linux to stop this builder when its supervisor dies (killed with SIGKILL, say), so no
    builder is left running alone; end now if it has died already."""
    supervisor = os.environ.get(SUPERVISOR_VARIABLE)
    if not supervisor:
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the builder ends when it finds its parent gone
        pass
    if os.getppid() != int(supervisor):
        sys.exit(0)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


#: after the job timeout, how long faulthandler waits before it ends a builder the watch could not
BACKSTOP_SECONDS = 30.0


class StuckWatch:
    """Ends this builder when one text takes longer than ``seconds``, after printing where the
    main thread is (``Timeout (h:mm:ss)!`` and its stack, on stderr), with exit code 1.

    A Python thread, not faulthandler's own timer: that timer walks every thread's state without
    the GIL, while espeak-ng's callbacks into Python make and free a thread state on each call, so
    it could read one as it was freed (a builder died of SIGSEGV instead of its timeout once, in CI,
    on PostgreSQL). ``sys._current_frames`` reads them under the interpreter's own lock."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._main = threading.main_thread().ident
        self._timer = threading.Timer(seconds, self._end)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def _end(self) -> None:
        import traceback

        frame = sys._current_frames().get(self._main)  # noqa: SLF001 - the documented way to look
        sys.stderr.write(f"Timeout ({timedelta(seconds=self.seconds)})! Stuck on one text here:\n")
        if frame is not None:
            traceback.print_stack(frame, file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)


def _build_queued_texts(once: bool, poll: float) -> None:
    """The builder: one warmed speech engine, one queued text at a time."""
    from .easyread import audio_queue
    from .easyread.speech import Speaker

    _end_with_supervisor()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions["easyvoice.audio"]
    voices = app.config["VOICES"]
    rate = int(app.config["SPEECH_RATE"])
    recordings = load_recordings(Path(app.config["ASSETS_DIR"]))
    default_voice = voices.get(app.config["BABEL_DEFAULT_LOCALE"]) or next(iter(voices.values()))
    try:
        Speaker.get().warm(default_voice, rate)  # this process's one engine, before any job
    except SpeechUnavailable as exc:
        click.echo(f"The audio worker cannot start. {exc}", err=True)
        sys.exit(2)
    watched = _say_where_it_crashes()
    if watched:
        faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 <pid>`: where it is now
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    me = audio_queue.worker_name(os.getpid())
    built = failed = 0
    job_timeout = float(app.config["AUDIO_JOB_TIMEOUT_SECONDS"])
    figures = FigureKeeper(float(app.config["FIGURES_REFRESH_SECONDS"]))
    if not once:
        click.echo(f"The audio worker is waiting for texts ({audio_queue.waiting(db.session)} queued).")
    try:
        while not stop.is_set():
            job = audio_queue.claim_next(db.session, worker=me)
            db.session.commit()  # the claim is seen by every other worker before the work starts
            if job is None:
                figures.keep_if_due()
                if once:
                    break
                stop.wait(poll)
                continue
            # stuck this long on one text (a speech engine that never says it has finished): say
            # where, and end, so that the supervisor puts the text back and starts a fresh builder
            # (only in a process of its own: called in-process, as click's test runner does, it
            # must never end the caller)
            watchdog = StuckWatch(job_timeout) if watched else None
            if watched:  # a backstop for a hang that holds the GIL, where the watch cannot run
                faulthandler.dump_traceback_later(job_timeout + BACKSTOP_SECONDS, exit=True)
            try:
                report = store.build([(job.locale, job.text)], voices, rate, recordings=recordings)
                if report.problems:
                    raise SpeechUnavailable(" ".join(report.problems))
            except Exception as exc:  # any one text's failure is kept on its job; the others go on
                audio_queue.mark_failed(db.session, job, f"{type(exc).__name__}: {exc}")
                if job.status == "failed":
                    failed += 1
                    click.echo(f"Failed ({job.attempts} tries): {job.text[:60]!r}: {exc}", err=True)
            else:
                audio_queue.mark_done(db.session, job)
                built += 1
            db.session.commit()
            if watchdog is not None:
                watchdog.cancel()
                faulthandler.cancel_dump_traceback_later()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"The audio worker built {built} texts; {failed} failed.")


@click.command("demo")
@click.option(
    "--responses",
    "responses",
    type=click.IntRange(min=0),
    default=0,
    help="also add this many random responses (this year and last) for the dashboard",
)
@click.option(
    "--answers",
    "answers",
    type=click.IntRange(min=0),
    default=0,
    help="or about this many answers (bulk inserts: 10,000,000 take minutes on PostgreSQL)",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="spread them over the last DAYS days (default: from the start of last year)",
)
@click.option(
    "--services",
    type=click.IntRange(min=0),
    default=0,
    help="a large provider: have at least this many services",
)
@with_appcontext
def demo(responses: int, answers: int, days: int | None, services: int) -> None:
    """Add a demo provider with 2 services (5 with --responses) and its questionnaires (safe again)."""
    from .demo import create_demo, create_demo_users

    forms = current_app.extensions["easyvoice.surveys"].questionnaires.values()
    org = create_demo(db.session, forms)
    db.session.commit()
    already = db.session.scalar(
        select(func.count()).select_from(Response).join(Service).where(Service.organisation_id == org.id)
    )
    if answers and not responses:
        from .demo.responses import answers_per_response

        responses = max(1, round(answers / answers_per_response(forms)))
    if responses and already:
        click.echo(f"The demo already has {already} responses; none added.")
    elif responses:
        from .demo.responses import add_responses

        started = time.perf_counter()
        since = utcnow() - timedelta(days=days) if days else None
        added = add_responses(db.session, org, forms, responses, since=since, services=services)
        db.session.commit()
        # The planner's statistics for what was just bulk-inserted, as autovacuum would make them
        # some minutes later: until then PostgreSQL may plan the dashboard's reads badly.
        db.session.connection().exec_driver_sql("ANALYZE")
        db.session.commit()
        click.echo(f"Added {responses} responses ({added} answers) in {time.perf_counter() - started:.1f} s.")
        # Counted once here, not by the first person to open the dashboard: over a large
        # provider's year that first count takes longer than a reader should wait.
        _keep_and_say(utcnow().year)
    logins = create_demo_users(db.session, org, Path(current_app.instance_path) / "demo-logins.txt")
    db.session.commit()
    base = str(current_app.config["EXTERNAL_URL"]).rstrip("/")  # `make run` sets it from HOST/PORT
    for service in org.services:
        click.echo(f"Tablet start link for {service.name}: {base}/at/{service.code}")
    click.echo(
        "Start links are secret (staff only). Or set a tablet up for a service: sign in as "
        f"staff at {base}/admin/tablet"
    )
    click.echo(f"Demo sign-ins (kept in instance/demo-logins.txt) at {base}/auth/sign-in:")
    for line in logins:
        click.echo(f"  {line}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="operator: the site operator, who manages organisations (made only here)",
)
@click.option("--organisation", "org_slug", required=True, help="the organisation's short name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--pin", default=None, help="4 digits, for an Expert by Experience's tablet handover")
@with_appcontext
def create_user(email: str, name: str, role: str, org_slug: str, password: str, pin: str | None) -> None:
    """Make a user who can sign in."""
    from .auth.accounts import AccountError
    from .auth.accounts import create_user as make_user

    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
    if org is None:
        raise click.BadParameter(f"There is no organisation '{org_slug}'.", param_hint="--organisation")
    try:
        user = make_user(
            db.session, organisation=org, email=email, name=name, role=role, password=password, pin=pin
        )
    except (AccountError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(
        db.session,
        audit.Actor(device="flask create-user"),
        "user.create",
        organisation_id=org.id,
        object_type="user",
        object_id=user.id,
        role=role,
    )
    db.session.commit()
    click.echo(f"Made {user.email} ({role}) in {org.name}.")


@click.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    default=None,
    help="days; default: the RETENTION_DAYS setting",
)
@click.option("--dry-run", is_flag=True, help="count, but delete nothing")
@with_appcontext
def purge(days: int | None, dry_run: bool) -> None:
    """Delete responses, answers and visit photos older than the retention period; remove the
    words of old closed safeguarding alerts (their facts stay); audit it."""
    from . import retention

    days = days or int(current_app.config["RETENTION_DAYS"])
    alert_days = int(current_app.config["ALERT_RETENTION_DAYS"])
    done = retention.purge(
        db.session, days, alert_days, Path(current_app.config["PHOTO_DIR"]), dry_run=dry_run
    )
    if not dry_run:
        audit.record(
            db.session,
            audit.Actor(device="flask purge"),
            "retention.purge",
            older_than_days=days,
            responses_deleted=done.responses,
            photos_deleted=done.photos,
            alert_words_removed=done.alert_words,
        )
        db.session.commit()
        retention.delete_files(done.files)
        retention.compact(db.session)
        db.session.commit()
        if done.responses:  # the months the purge marked are counted again here, not by a reader
            _keep_and_say(utcnow().year)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(
        f"{verb} {done.responses} responses and {done.photos} photos older than {days} days; "
        f"{'would remove' if dry_run else 'removed'} the words of {done.alert_words} "
        f"alert answers older than {alert_days} days."
    )


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Send the mail outbox (retrying what failed) and remind leads of overdue alerts.

    Run it every few minutes (cron or a systemd timer); requests send new mail themselves.
    """
    from .safeguarding import remind_overdue, send_pending

    if not current_app.config.get("MAIL_SERVER"):
        click.echo("No MAIL_SERVER is set: nothing can be sent.", err=True)
        sys.exit(1)
    reminders = remind_overdue(db.session, current_app.config)
    db.session.commit()  # the reminders are in the outbox before anything is sent
    bind = db.engine

    def factory():  # type: ignore[no-untyped-def]
        from sqlalchemy.orm import Session

        return Session(bind=bind, expire_on_commit=False)

    sent, failed = send_pending(factory, current_app.config, retry_all=True)
    click.echo(f"Reminders written: {reminders}. Sent: {sent}. Failed: {failed}.")
    if failed:
        sys.exit(1)


@click.command("export-xlsform")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_xlsform(slug: str, file: Path) -> None:
    """Write a loaded questionnaire (its id, e.g. your-support) as an XLSForm workbook (.xlsx)."""
    from .questionnaires.xlsform import write_xlsform

    questionnaire = current_app.extensions["easyvoice.surveys"].questionnaires.get(slug)
    if questionnaire is None:
        click.echo(
            f"There is no questionnaire '{slug}'. What to do: run 'flask load-surveys' to list them.",
            err=True,
        )
        sys.exit(1)
    try:
        data = write_xlsform(questionnaire)
    except ValueError as exc:
        click.echo(f"{slug}: {exc} What to do: keep the questionnaire as a survey file.", err=True)
        sys.exit(1)
    file.write_bytes(data)
    click.echo(f"Wrote {file} ({questionnaire.title}, version {questionnaire.content_hash}).")


@click.command("import-xlsform")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--organisation",
    "organisation_slug",
    help="keep it as this organisation's own draft (its short name, e.g. demo)",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="or write it as a survey file (.yaml)",
)
@with_appcontext
def import_xlsform(file: Path, organisation_slug: str | None, out: Path | None) -> None:
    """Check an XLSForm workbook (.xlsx) and keep it as an organisation's own draft (or write it as
    a survey file); nothing is kept if anything is refused."""
    from .easyread.own_pictures import picture_names
    from .questionnaires import own
    from .questionnaires.schema import content_hash
    from .questionnaires.xlsform import XLSFormError, definition_yaml, import_checks, read_xlsform

    if (organisation_slug is None) == (out is None):
        raise click.UsageError("Give --organisation SLUG (keep it as a draft) or --out FILE.yaml.")
    organisation = None
    if organisation_slug is not None:
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == organisation_slug))
        if organisation is None:
            raise click.UsageError(f"There is no organisation '{organisation_slug}'.")
    surveys = current_app.extensions["easyvoice.surveys"]
    section_refs, symbols = import_checks(current_app.config, surveys.frameworks.values())
    pictures = picture_names(db.session, organisation.id if organisation is not None else None)
    try:
        definition = read_xlsform(
            file.read_bytes(), section_refs=section_refs, symbols=symbols, label=file.name, pictures=pictures
        )
    except XLSFormError as exc:
        click.echo(f"{file.name}: {exc}", err=True)
        sys.exit(1)
    text = f"# Made from the XLSForm {file.name} by 'flask import-xlsform'.\n" + definition_yaml(definition)
    summary = (
        f"{definition['title']}: {len(definition['questions'])} questions, version {content_hash(definition)}"
    )
    if out is not None:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out} ({summary}).")
        return
    if organisation is None:  # pragma: no cover - refused above
        raise click.UsageError("Give --organisation SLUG.")
    checks = own.checks_for(surveys, symbols, int(current_app.config["SURVEY_MAX_BYTES"]), pictures)
    try:
        draft = own.bring_in(
            db.session,
            audit.Actor(device="flask import-xlsform"),
            organisation.id,
            surveys,
            text,
            checks,
            file.name,
        )
    except own.OwnError as exc:
        click.echo(f"{file.name}: {exc}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"Kept '{draft.slug}' as a draft of {organisation.name} ({summary}). "
        "Publish it on its Questionnaires page."
    )


class FigureKeeper:
    """When the audio worker, with no text waiting, counts and keeps the dashboard's figures: at
    most every ``every`` seconds (0: never) for periods that have just ended, and at once when a
    write has made a kept period stale (a late answer from an offline tablet, a change to an
    ended month, a purge: ``models.mark_stale`` moved a period's ``changed_at``), so the next
    reader finds that month kept again rather than counting it itself. The look for a change is
    one small read of ``figure_period``."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.due = 0.0  # time.monotonic() of the next count: the first moment with no text waiting
        self.seen: object = None  # the latest mark when the figures were last kept

    def keep_if_due(self) -> bool:
        """Keep the figures if it is time or a period was marked since; whether it did."""
        if not self.every:
            return False
        mark = latest_mark(db.session)
        db.session.rollback()  # the look holds no transaction while the worker waits
        if time.monotonic() < self.due and mark == self.seen:
            return False
        # the mark read before counting: a write during the count is seen at the next look
        self.seen = mark
        _keep_figures_in_worker()
        self.due = time.monotonic() + self.every
        return True


def _keep_figures_in_worker() -> None:
    """``keep_figures`` for this year, where a failure (a database restarting) is said and the
    worker goes on building audio: the next try comes after FIGURES_REFRESH_SECONDS."""
    started = time.perf_counter()
    try:
        months, days = keep_figures(utcnow().year)
    except Exception as exc:  # noqa: BLE001 - the audio must go on; the next count retries
        db.session.rollback()
        click.echo(f"Could not keep the dashboard's figures: {type(exc).__name__}: {exc}", err=True)
        return
    if months or days:
        _say_kept(months, days, started)


def _say_kept(months: int, days: int, started: float) -> None:
    click.echo(f"Counted and kept {months} months and {days} days in {time.perf_counter() - started:.1f} s.")


@click.command("refresh-figures")
@click.option("--year", type=int, default=None, help="the dashboard's year (default: this year)")
@with_appcontext
def refresh_figures(year: int | None) -> None:
    """Count and keep the figures of every ended month, and every ended day of the open month,
    not kept yet, for every organisation (run it nightly, after a day ends, so no dashboard
    reader waits for a cold month or day; the audio worker also does it, every
    FIGURES_REFRESH_SECONDS)."""
    _keep_and_say(year or utcnow().year)


def _keep_and_say(year: int) -> None:
    """``keep_figures`` for ``year``, then say what was counted and how long it took."""
    started = time.perf_counter()
    months, days = keep_figures(year)
    _say_kept(months, days, started)


def keep_figures(year: int) -> tuple[int, int]:
    """Count and keep every ended month of ``year`` and the year before, and every ended day of
    the open month, that is not kept yet, for every organisation, each organisation committed on
    its own: (months, days) counted. ``flask refresh-figures`` and the audio worker (between
    texts) call it."""
    from .reports.stored import refresh

    computed = days = 0
    for organisation_id in db.session.scalars(select(Organisation.id).order_by(Organisation.id)):
        done = refresh(db.session, organisation_id, year)
        computed, days = computed + done.computed, days + done.days_computed + done.month_days_counted
        db.session.commit()
    return computed, days
