"""Streamlit helpers shared by the pages: database access, caching, texts and assets.

Only this package and ``pages/`` import Streamlit; the domain lives in ``core``.
"""
