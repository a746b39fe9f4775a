"""HTTP for previewing a draft exactly as a respondent sees it, in every look."""

from __future__ import annotations

from .blueprint import bp

__all__ = ["bp"]
