"""Which page a visitor may open, and what they are told when they may not.

Every page is registered for every visitor, so a link to any page always opens that
page: the page itself then shows its content, a login form, a "no permission" note or
"no data yet". This keeps a deep link through a login (the page and its query stay) and
never shows the framework's English "Page not found" for a page of this product.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from core.permissions import may_import, may_read
from core.users import User


class Access(Enum):
    """The outcome for one visitor on one page."""

    OPEN = "open"
    LOGIN = "login"  # anonymous, and the page needs a login
    FORBIDDEN = "forbidden"  # signed in, but the role does not allow the page
    NO_DATA = "no_data"  # the page shows data and there is none yet


@dataclass(frozen=True)
class PageEntry:
    """One page of the app: its file under ``pages/``, title, icon and URL path;
    ``needs_data``: shows data from the database; ``admin``: administration only."""

    file: str
    title: str
    icon: str
    path: str
    needs_data: bool = True
    admin: bool = False


OVERVIEW = PageEntry("overview.py", "Übersicht", ":material/dashboard:", "uebersicht", False)
PAGES = (
    OVERVIEW,
    PageEntry("map.py", "Sozialraumkarte", ":material/map:", "karte"),
    PageEntry("prevention_chain.py", "Präventionskette", ":material/linear_scale:",
              "praeventionskette"),
    PageEntry("networks.py", "Netzwerke", ":material/hub:", "netzwerke"),
    PageEntry("quality.py", "Qualitätsbausteine", ":material/checklist:", "qualitaet"),
    PageEntry("offers.py", "Angebote", ":material/storefront:", "angebote"),
    PageEntry("area_profile.py", "Sozialraum-Steckbrief", ":material/location_city:",
              "steckbrief"),
    PageEntry("session.py", "Ausschuss-Sitzung", ":material/co_present:", "sitzung"),
    PageEntry("data_admin.py", "Daten verwalten", ":material/upload_file:", "daten",
              needs_data=False, admin=True),
)  # fmt: skip

LOGIN_TITLE = "Anmeldung nötig"
LOGIN_TEXT = (
    "Die Seite „{title}“ ist nur für angemeldete Personen zugänglich. Nach der Anmeldung "
    "öffnet sie sich hier, mit Ihrer Auswahl."
)
FORBIDDEN_TITLE = "Keine Berechtigung"
FORBIDDEN_TEXT = (
    "Die Seite „{title}“ ist der Administration vorbehalten. Sie sind angemeldet als "
    "{label}. Wenn Sie diese Seite brauchen, wenden Sie sich an die "
    "Administration des Präventionsmonitors in Ihrem Jugendamt."
)
NO_DATA_TITLE = "Noch keine Daten"
NO_DATA_TEXT = (
    "Die Seite „{title}“ zeigt Daten aus der Datenbank, und dort ist noch nichts "
    "eingespielt. Die Administration spielt Daten auf der Seite „Daten verwalten“ ein "
    "oder lädt die Demodaten (python -m core init-db --demo)."
)


def page_access(entry: PageEntry, user: User | None, public: bool, has_data: bool) -> Access:
    """May ``user`` open ``entry`` now? Reading comes first, then the role, then data."""
    if not may_read(user, public):
        return Access.LOGIN
    if entry.admin and not may_import(user):
        return Access.LOGIN if user is None else Access.FORBIDDEN
    if entry.needs_data and not has_data:
        return Access.NO_DATA
    return Access.OPEN


def refusal(access: Access, entry: PageEntry, user: User | None) -> tuple[str, str]:
    """The German title and text a visitor gets instead of the page."""
    if access is Access.LOGIN:
        return LOGIN_TITLE, LOGIN_TEXT.format(title=entry.title)
    if access is Access.FORBIDDEN:
        label = user.label if user is not None else ""
        return FORBIDDEN_TITLE, FORBIDDEN_TEXT.format(title=entry.title, label=label)
    return NO_DATA_TITLE, NO_DATA_TEXT.format(title=entry.title)


def entry_for(path: str) -> PageEntry:
    """The page with this URL path; the Übersicht for the root URL."""
    return next((e for e in PAGES if e.path == path), OVERVIEW)
