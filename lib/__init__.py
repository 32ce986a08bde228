"""spotify-auto-playlists: rule-driven playlists over a DuckDB music library (no Streamlit here)."""

__version__ = "0.1.0"
