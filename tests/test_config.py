"""Configuration: defaults, the instance folder, EASYVOICE_* variables; no secret in the repo."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app import create_app


def test_defaults_put_everything_in_the_instance_folder(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst")})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'inst' / 'easyvoice.sqlite'}"
    assert app.config["AUDIO_DIR"] == str(tmp_path / "inst" / "audio")
    key_file = tmp_path / "inst" / "secret_key"
    assert app.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(app.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The same key next time, so sessions survive a restart.
    again = create_app({"INSTANCE_PATH": str(tmp_path / "inst")})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_environment_overrides_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EASYVOICE_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    monkeypatch.setenv("EASYVOICE_SPEECH_RATE", "120")
    monkeypatch.setenv("EASYVOICE_SECRET_KEY", "from-the-environment")  # noqa: S105
    monkeypatch.setenv("EASYVOICE_INSTANCE_PATH", str(tmp_path / "inst2"))
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("other.sqlite")
    assert app.config["SPEECH_RATE"] == 120
    assert app.config["SECRET_KEY"] == "from-the-environment"  # noqa: S105
    assert not (tmp_path / "inst2" / "secret_key").exists()


def test_instance_config_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "inst").mkdir()
    (tmp_path / "inst" / "config.py").write_text("SPEECH_RATE = 100\n")
    assert create_app({"INSTANCE_PATH": str(tmp_path / "inst")}).config["SPEECH_RATE"] == 100
