"""Helpers for the library-area tests: small Exportify files in both layouts."""

from __future__ import annotations

import pytest

from lib.demo import generate_demo
from lib.demo.exportify import exportify_csv


@pytest.fixture(scope="session")
def small_demo():
    return generate_demo(seed=7, n_tracks=120)


@pytest.fixture(scope="session")
def classic_csv(small_demo) -> bytes:
    return exportify_csv(small_demo, layout="classic")


@pytest.fixture(scope="session")
def new_csv(small_demo) -> bytes:
    return exportify_csv(small_demo, layout="new", bom=True)
