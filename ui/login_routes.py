"""The two HTTP routes of the session cookie (:mod:`core.login_sessions`).

``POST /_praev/anmeldung`` takes a one-time ticket (request body) and answers with the
HttpOnly, SameSite=Strict cookie; ``POST /_praev/abmeldung`` ends the login of the
cookie it is sent with and deletes the cookie. The Streamlit app calls both from the
page with ``fetch`` right after login and logout (:mod:`ui.auth`), so no page reload
and no ticket in a URL. Both answer 204 without a body; a wrong ticket gets 403.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core import login_sessions
from ui.db import get_engine

MAX_BODY = 512


def _secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


async def login(request: Request) -> Response:
    """Redeem the ticket in the body for the session cookie."""
    body = (await request.body())[:MAX_BODY].decode("ascii", errors="replace").strip()
    cookie = login_sessions.redeem(get_engine(), body)
    span = login_sessions.lifetime()
    if cookie is None or span is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(
        login_sessions.COOKIE_NAME,
        cookie,
        max_age=int(span.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


async def logout(request: Request) -> Response:
    """End this cookie's login and delete the cookie."""
    login_sessions.revoke(get_engine(), cookie=request.cookies.get(login_sessions.COOKIE_NAME))
    response = Response(status_code=204)
    response.delete_cookie(login_sessions.COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


ROUTES = [
    Route(login_sessions.LOGIN_PATH, login, methods=["POST"]),
    Route(login_sessions.LOGOUT_PATH, logout, methods=["POST"]),
]
