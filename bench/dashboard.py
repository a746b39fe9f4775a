"""Benchmark: the dashboard and the summary CSV on 1,000,000 answers, against a bare SQL GROUP BY.

    python bench/dashboard.py [--answers 1000000] [--rounds 3]

On a fresh SQLite database it writes about ``--answers`` answers (spread over 5 services, 3
questionnaires, this year and last), then times, in the same run:

* bare: the GROUP BY that produces the same figures, written by hand and run through sqlite3
  directly (one query per questionnaire for the pages, one for all of them for the CSV);
* dashboard: GET /provider/questionnaire/<slug> for every questionnaire (SQL, suppression of every
  question's figures, HTML), through the real app as a signed-in quality lead;
* summary CSV: GET /provider/download/summary.csv (all questionnaires: SQL, suppression, CSV).

Targets: each within 1.5x of its bare query, and under 2 s.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import add_lead, header, make_app, median, sign_in_as, verdict
from sqlalchemy import select

from app.db import db
from app.demo.responses import EXTRA_SERVICES, FACE_WEIGHTS, YES_NO_WEIGHTS
from app.models import Organisation, QuestionnaireVersion, Service, utcnow
from app.respond.journey import version_for

RATIO_TARGET, SECONDS_TARGET = 1.5, 2.0

BARE = """
SELECT CASE WHEN r.started_at >= :this_start THEN 1 ELSE 0 END AS this_year, r.version_id,
       r.service_id,
       CASE WHEN r.answered_by != 'self' THEN 'proxy'
            WHEN a.supported = 1 OR coalesce(r.helped_by, '') != '' THEN 'helped' ELSE 'own' END AS how,
       a.question_key, coalesce(c.value, a.kind) AS value, count(*)
FROM answer a JOIN response r ON r.id = a.response_id
LEFT OUTER JOIN answer_choice c ON c.answer_id = a.id
WHERE r.service_id IN (SELECT id FROM service WHERE organisation_id = :org)
  AND r.version_id IN ({versions}) AND r.consent = 1
  AND r.started_at >= :last_start AND r.started_at < :this_end AND a.kind != 'skipped'
GROUP BY 1, 2, 3, 4, 5, 6
"""


def fill(app, target_answers: int) -> tuple[int, dict[str, int]]:  # type: ignore[no-untyped-def]
    """Write the answers with plain executemany (setting up is not what is measured)."""
    rng = random.Random(7)  # noqa: S311 - benchmark data
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        for name in EXTRA_SERVICES:
            db.session.add(Service(organisation_id=org.id, name=name, code=f"bench{len(name)}{name[:3]}"))
        forms = [
            q for q in app.extensions["easyvoice.surveys"].questionnaires.values() if q.audience != "expert"
        ]
        versions = {q.id: version_for(db.session, q).id for q in forms}
        db.session.commit()
        services = list(db.session.scalars(select(Service.id).where(Service.organisation_id == org.id)))
        org_id = org.id
        path = db.engine.url.database
    now = utcnow()
    start = datetime(now.year - 1, 1, 1, tzinfo=UTC)
    span = (now - start).total_seconds()
    con = sqlite3.connect(path)
    responses, answers, choices = [], [], []
    rid = aid = 0
    while len(answers) < target_answers:
        rid += 1
        form = rng.choice(forms)
        started = (start + timedelta(seconds=rng.random() * span)).strftime("%Y-%m-%d %H:%M:%S.%f")
        by = rng.choices(("self", "family", "staff"), (85, 10, 5))[0]
        responses.append(
            (
                rid,
                f"c{rid}",
                f"t{rid}",
                versions[form.id],
                rng.choice(services),
                form.audience,
                by,
                "en_GB",
                rng.choice(("", "", "staff")),
                "",
                1,
                "finished",
                started,
                started,
            )
        )
        for question in form.questions:
            aid += 1
            weights = FACE_WEIGHTS if question.type == "faces" else YES_NO_WEIGHTS
            value = rng.choices(list(weights), list(weights.values()))[0]
            if question.type not in ("faces", "yes_no"):
                value = rng.choice([o.value for o in question.choices] or ["skipped"])
            kind = value if value in ("dont_know", "dont_want_to_say", "skipped") else "option"
            if question.type == "free_text":
                kind, value = "text", None
            answers.append(
                (
                    aid,
                    rid,
                    question.id,
                    kind,
                    "Sample" if kind == "text" else None,
                    f"s{aid}",
                    0,
                    started,
                    started,
                )
            )
            if kind == "option":
                choices.append((aid, value))
    con.executemany(
        "INSERT INTO response (id, client_id, token, version_id, service_id, respondent_role,"
        " answered_by, language, helped_by, others_present, consent, status, started_at,"
        " finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        responses,
    )
    con.executemany(
        "INSERT INTO answer (id, response_id, question_key, kind, text, submission_id, supported,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        answers,
    )
    con.executemany("INSERT INTO answer_choice (answer_id, value) VALUES (?,?)", choices)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return org_id, versions


def bare(path: str, org_id: int, version_ids: list[int], year: int) -> float:
    con = sqlite3.connect(path)
    sql = BARE.format(versions=",".join(str(v) for v in version_ids))
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    args = {
        "org": org_id,
        "this_start": datetime(year, 1, 1).strftime(fmt),
        "last_start": datetime(year - 1, 1, 1).strftime(fmt),
        "this_end": datetime(year + 1, 1, 1).strftime(fmt),
    }
    started = time.perf_counter()
    rows = con.execute(sql, args).fetchall()
    took = time.perf_counter() - started
    con.close()
    assert rows, "the bare query found nothing"
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    header(f"dashboard: {args.answers:,} answers on SQLite")
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        started = time.perf_counter()
        org_id, versions = fill(app, args.answers)
        print(f"  wrote the data in {time.perf_counter() - started:.1f} s")
        lead = add_lead(app)
        client = app.test_client()
        sign_in_as(client, lead)
        with app.app_context():
            path = db.engine.url.database
            all_versions = list(db.session.scalars(select(QuestionnaireVersion.id)))
        year = utcnow().year
        page_times, page_bare, csv_times, csv_bare = [], [], [], []
        for _ in range(args.rounds):
            page_bare.append(sum(bare(path, org_id, [v], year) for v in versions.values()))
            started = time.perf_counter()
            for slug in versions:
                assert client.get(f"/provider/questionnaire/{slug}?year={year}").status_code == 200
            page_times.append(time.perf_counter() - started)
            csv_bare.append(bare(path, org_id, all_versions, year))
            started = time.perf_counter()
            assert client.get(f"/provider/download/summary.csv?year={year}").status_code == 200
            csv_times.append(time.perf_counter() - started)
        for name, mine, base in (
            ("dashboard (3 questionnaire pages)", page_times, page_bare),
            ("summary CSV", csv_times, csv_bare),
        ):
            ratio = median(mine) / median(base)
            ok = ratio <= RATIO_TARGET and median(mine) < SECONDS_TARGET
            print(
                f"  {name}: {median(mine):.2f} s, bare GROUP BY {median(base):.2f} s, ratio {ratio:.2f} "
                f"(target <= {RATIO_TARGET} and < {SECONDS_TARGET:.0f} s) -> {verdict(ok)}"
            )
        db.dispose(app)


if __name__ == "__main__":
    main()
