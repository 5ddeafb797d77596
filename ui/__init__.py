"""Streamlit glue shared by the pages: engine, sign-in, filters, widgets, caching.

This is the one place that decides caching; the logic it calls lives in spaops/.
"""
