"""Shared helpers of the fettle_text test suite."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_dir():
    """``../shared`` beside the repository, or a skip with a notice."""
    if not SHARED.is_dir():
        print(f"skipping: {SHARED} not found (../shared is absent)")
        pytest.skip(f"{SHARED} not found (../shared is absent)")
    return SHARED
