"""Präventionsmonitor domain core: models, queries, indicators, coverage, networks, privacy.

Never imports Streamlit; everything a page shows comes from here.
"""
