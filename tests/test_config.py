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


def test_production_hashes_passwords_with_scrypt_whatever_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the test suite's apps get the cheap hash: a real app uses scrypt even if told not to."""
    from app.db import db
    from app.models import User

    monkeypatch.setenv("EASYVOICE_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1")
    production = create_app({"INSTANCE_PATH": str(tmp_path / "prod"), "SECRET_KEY": "x"})
    assert production.config["PASSWORD_HASH_METHOD"] == "scrypt"  # noqa: S105  (a method name)
    with production.app_context():
        user = User(email="a@example.org", name="A", role="viewer")
        user.set_password("a long enough password")
        user.set_pin("1234")
        assert user.password_hash.startswith("scrypt:")
        assert user.pin_hash and user.pin_hash.startswith("scrypt:")
        assert user.check_password("a long enough password")
        db.dispose(production)
    testing = create_app({"INSTANCE_PATH": str(tmp_path / "test"), "SECRET_KEY": "x", "TESTING": True})
    with testing.app_context():
        user = User(email="b@example.org", name="B", role="viewer")
        user.set_password("a long enough password")
        assert user.password_hash.startswith("pbkdf2:sha256:1$")
        db.dispose(testing)
