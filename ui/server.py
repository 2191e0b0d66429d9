"""The web server: the Streamlit app (``app.py``) plus the routes of the session cookie.

``make run`` starts it with ``streamlit run ui/server.py``; Streamlit finds the ASGI
application ``app`` below and serves ``app.py`` through it, with the same options
(``--server.port`` and so on) as ``streamlit run app.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # started as a script: make ``ui`` and ``core`` importable
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402

from ui.login_routes import ROUTES  # noqa: E402

# The app declares its pages with st.navigation. Streamlit would take the folder
# ``pages/`` beside app.py for the old automatic page list until the first st.navigation
# call, so the very first visit after a start would answer a link such as /karte with
# its English "Page not found". Declared here, before any visit.
PagesManager.uses_pages_directory = False

app = st.App(ROOT / "app.py", routes=ROUTES)
