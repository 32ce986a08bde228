"""Fixtures of the rules tests: one in-memory library per module for the property tests."""

from __future__ import annotations

import pytest

from lib.store import open_library


@pytest.fixture(scope="module")
def shared_library():
    library = open_library(":memory:")
    yield library
    library.close()
