"""Spa Ops domain logic: databases, import, analytics, matching and sign-in (no Streamlit)."""

__version__ = "0.1.0"
