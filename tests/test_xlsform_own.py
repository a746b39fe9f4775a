"""XLSForm for an organisation's own questionnaires (issue 12, items 3 and 6): a quality lead
brings in a workbook on the Questionnaires page (or `flask import-xlsform --organisation`), it is
kept as a draft of their organisation only, a refused one names sheet, row and column and keeps
nothing, and "Download as XLSForm" gives a workbook that reads back to the same version."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from helpers.app import add_users, csrf_token, sign_in_as
from helpers.xlsform import description, expected, shipped_checks, workbook
from sqlalchemy import func, select

from app.db import db
from app.models import AuditEvent, OwnQuestionnaire
from app.questionnaires.schema import content_hash
from app.questionnaires.xlsform import read_xlsform


def _owns(app: Flask) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        return [(o.slug, o.status, o.based_on) for o in db.session.scalars(select(OwnQuestionnaire))]


def _send(client, token: str, data: bytes, name: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/provider/questionnaires/xlsform",
        data={"csrf_token": token, "workbook": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_workbook_brought_in_is_a_draft_of_that_organisation_and_comes_back_out(app: Flask) -> None:
    emails = add_users(app)
    lead = app.test_client()
    assert sign_in_as(lead, emails["quality_lead"]).status_code == 302
    token = csrf_token(lead.get("/provider/questionnaires").get_data(as_text=True))

    sheets = description()
    sheets["survey"].append(["geopoint", "where", "Where are you?"])
    refused = _send(lead, token, workbook(sheets), "bad.xlsx")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "The workbook is not kept" in body
    assert "survey, row 15, column A (type)" in body and "What to do" in body
    assert _owns(app) == []

    kept = _send(lead, token, workbook(description()), "your-day.xlsx")
    assert kept.status_code == 303
    assert _owns(app) == [("your-day", "draft", None)]
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).where(AuditEvent.action == "own_questionnaire.brought_in"))
            == 1
        )
        own_id = db.session.scalars(select(OwnQuestionnaire.id)).one()
    assert "your-day" in lead.get("/provider/questionnaires").get_data(as_text=True)

    out = lead.get(f"/provider/questionnaires/{own_id}/form.xlsx")
    assert out.status_code == 200 and out.data[:2] == b"PK"
    refs, symbols = shipped_checks()
    assert content_hash(read_xlsform(out.data, section_refs=refs, symbols=symbols)) == content_hash(
        expected()
    )

    # the same id again changes that draft instead of making a second one
    assert _send(lead, token, workbook(description()), "your-day.xlsx").status_code == 303
    assert len(_owns(app)) == 1

    # a workbook may not take a shipped questionnaire's name
    shipped = description()
    for row in shipped["settings"][1:]:
        row[shipped["settings"][0].index("form_id")] = "your-support"
    taken = _send(lead, token, workbook(shipped), "taken.xlsx")
    assert taken.status_code == 400 and "we ship" in taken.get_data(as_text=True)
    assert len(_owns(app)) == 1

    stranger = app.test_client()
    assert sign_in_as(stranger, emails["other_lead"]).status_code == 302
    assert stranger.get(f"/provider/questionnaires/{own_id}/form.xlsx").status_code == 404
    assert "your-day" not in stranger.get("/provider/questionnaires").get_data(as_text=True)
    viewer = app.test_client()
    sign_in_as(viewer, emails["viewer"])
    assert viewer.get(f"/provider/questionnaires/{own_id}/form.xlsx").status_code == 403


def test_import_xlsform_keeps_a_draft_for_the_organisation_named(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    good = tmp_path / "your-day.xlsx"
    good.write_bytes(workbook(description()))
    both = runner.invoke(args=["import-xlsform", str(good), "--organisation", "demo", "--out", "x.yaml"])
    assert both.exit_code == 2 and not Path("x.yaml").exists()
    assert runner.invoke(args=["import-xlsform", str(good), "--organisation", "nobody"]).exit_code == 2

    sheets = description()
    sheets["survey"].append(["geopoint", "where", "Where are you?"])
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(sheets))
    result = runner.invoke(args=["import-xlsform", str(bad), "--organisation", "demo"])
    assert result.exit_code == 1 and "survey, row 15, column A (type)" in result.output
    assert _owns(app) == []

    result = runner.invoke(args=["import-xlsform", str(good), "--organisation", "demo"])
    assert result.exit_code == 0, result.output
    assert "Kept 'your-day' as a draft" in result.output
    assert _owns(app) == [("your-day", "draft", None)]
