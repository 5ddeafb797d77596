"""Plotly figure builders: pure functions from DataFrames to go.Figure, no Streamlit."""
