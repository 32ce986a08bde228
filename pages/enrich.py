"""Enrich page: providers with coverage and runs, the mood map, genre families, labels and features files."""

from ui.enrich import render_enrich_page
from ui.state import current_library, is_demo, library_guard, require_app_frame, settings

require_app_frame()

with library_guard("page", current_library()):  # a busy library: a message and a retry
    render_enrich_page(current_library(), settings(), demo=is_demo())
