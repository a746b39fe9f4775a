"""The first command, as a newcomer meets it: `make run`'s messages, links and the audio notice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from helpers.app import ROOT, add_users, make_app, sign_in_as

from app.easyread.audio import text_key

SCRIPT = ROOT / "tools" / "system-packages.sh"
NO_SUCH = "easyvoice-no-such-package"


def test_demo_prints_links_on_the_external_url_it_was_given(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTERNAL_URL="http://127.0.0.1:5077")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Tablet start link for Oak House: http://127.0.0.1:5077/at/" in result.output
    assert "http://127.0.0.1:5077/admin/tablet" in result.output
    assert "http://127.0.0.1:5077/auth/sign-in" in result.output
    assert ":5000" not in result.output


def test_demo_sign_ins_it_prints_work_also_on_a_new_database(tmp_path: Path) -> None:
    """A new database beside an old instance/demo-logins.txt (the database file deleted, the
    instance folder kept): the demo makes its users again and prints passwords that sign in."""
    import re

    shared = tmp_path / "instance"
    for part in ("a", "b"):
        (tmp_path / part).mkdir()
    first = make_app(tmp_path / "a", INSTANCE_PATH=str(shared))
    assert first.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    again = make_app(tmp_path / "b", INSTANCE_PATH=str(shared))  # an empty database
    result = again.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    logins = re.findall(r"(\w+): (\S+@\S+)  password (\S+)", result.output)
    assert [role for role, _email, _password in logins] == ["admin", "quality_lead", "expert", "viewer"]
    for _role, email, password in logins:
        client = again.test_client()
        page = client.get("/auth/sign-in?how=password").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        signed = client.post(
            "/auth/sign-in?how=password", data={"csrf_token": csrf, "email": email, "password": password}
        )
        assert signed.status_code == 302, (email, signed.status_code)
    assert (shared / "demo-logins.txt").read_text().splitlines() == [
        line.strip() for line in result.output.splitlines() if "  password " in line
    ]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_gives_the_demo_and_the_app_its_port() -> None:
    """`make run PORT=5077` hands http://127.0.0.1:5077 to the demo's links and to the app;
    a failed audio build is one plain line, not make's "Error 2 (ignored)"."""
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=5077"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MAKEFLAGS": ""},
    ).stdout
    lines = plan.splitlines()
    demo = next(line for line in lines if " demo " in line)
    assert demo.startswith("EASYVOICE_EXTERNAL_URL=http://127.0.0.1:5077 ")
    serve = next(line for line in lines if " run --host" in line)
    assert serve.startswith("EASYVOICE_EXTERNAL_URL=http://127.0.0.1:5077 ")
    assert "--port 5077" in serve
    build = next(line for line in lines if "build-audio ||" in line)
    assert "echo" in build and not build.startswith("-")


def run_script(*args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT), *args]
    if user is not None:
        command = ["su", user, "-s", "/bin/bash", "-c", " ".join(command)]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, env={**os.environ, "APT_LOCK_TIMEOUT": "60"}
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="the root case needs root")
def test_packages_script_as_root_says_why_and_gives_the_command_without_sudo() -> None:
    result = run_script("--optional", NO_SUCH)
    assert result.returncode == 0, result.stdout + result.stderr  # --optional: the caller goes on
    out = result.stdout
    reason = next(
        (line for line in out.splitlines() if line.startswith(f"Could not install {NO_SUCH}: ")), None
    )
    assert reason, out  # the cause, in one plain line (apt's own error), not buried above
    assert len(reason.split(": ", 1)[1]) > 10
    assert f"apt-get install {NO_SUCH}" in out
    assert "sudo" not in out  # root has no need of sudo (and many containers have none)


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("su") is None,
    reason="switches to the nobody user, so needs root and su",
)
def test_packages_script_as_another_user_gives_the_sudo_command() -> None:
    result = run_script(NO_SUCH, user="nobody")
    assert result.returncode == 1  # not optional: the caller stops
    assert f"Could not install {NO_SUCH}: " in result.stdout
    assert f"sudo apt-get install {NO_SUCH}" in result.stdout


NOTICE = "Read-aloud is not ready: the audio is not built."


def staff_page(app: Flask) -> str:
    client = app.test_client()
    emails = add_users(app)
    assert sign_in_as(client, emails["admin"]).status_code == 302
    page = client.get("/admin/")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_staff_pages_say_when_the_audio_is_not_built(tmp_path: Path) -> None:
    audio = tmp_path / "audio"
    app = make_app(tmp_path, AUDIO_DIR=str(audio))
    assert app.test_client().get("/health").status_code == 503
    page = staff_page(app)
    assert NOTICE in page
    assert "Run: flask --app wsgi build-audio" in page
    assert NOTICE not in app.test_client().get("/").get_data(as_text=True)  # never to respondents

    # The store's own format: text key -> file name (a built store has the .ogg beside it).
    audio.mkdir(parents=True, exist_ok=True)
    name = "0123456789abcdef01234567.ogg"
    (audio / name).write_bytes(b"OggS")
    (audio / "index.json").write_text(json.dumps({text_key("en_GB", "Listen"): name}))
    assert app.test_client().get("/health").status_code == 200
    assert NOTICE not in staff_page_again(app)


def staff_page_again(app: Flask) -> str:
    client = app.test_client()
    assert sign_in_as(client, "admin@demo.example").status_code == 302
    return client.get("/admin/").get_data(as_text=True)
