"""Streamlit glue shared by the pages: the only place that knows about st.cache_* and session keys."""
