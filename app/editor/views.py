"""HTTP for changing an own questionnaire question by question (rules in editing.py)."""

from __future__ import annotations

from .blueprint import bp

__all__ = ["bp"]
