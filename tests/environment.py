"""What the tests need from the machine, and what happens when it is missing.

On a laptop a missing PostgreSQL, Chromium or bpmn-js skips the tests that need it;
in CI (``CI=true``) it fails them, so a broken machine never passes as green.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium"))


def require(problem: str | None) -> None:
    """Skip a test whose service or tool is missing (``problem`` says which); in CI, fail."""
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
