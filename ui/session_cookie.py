"""The HTTP side of sign-in sessions: the one route that sets (or clears) the cookie.

Streamlit talks to the browser over a websocket, which cannot set a cookie; only an HTTP
response can, and only then can the cookie be HttpOnly (no script on the page, ours or an
injected one, can read it). `serve.py` mounts these routes on Streamlit's own server with
`st.App`. The page asks for them with a plain <img> (see ui/auth.py): no JavaScript.
"""

from __future__ import annotations

import logging
from functools import cache

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from spaops.db import default_url, make_engine, session_scope
from spaops.sessions import SESSION_LIFETIME, exchange_handoff

log = logging.getLogger(__name__)
COOKIE_NAME = "spaops_session"
ADOPT_PATH = "/api/session/adopt"
CLEAR_PATH = "/api/session/clear"


@cache
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def _empty() -> Response:
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


def _cookie_args(request: Request) -> dict:
    # Host-only (no Domain), so no other site or subdomain gets it; Strict, so no request
    # started by another site carries it; Secure whenever the app is served over HTTPS.
    https = request.url.scheme == "https" or \
        request.headers.get("x-forwarded-proto", "") == "https"
    return {"path": "/", "httponly": True, "samesite": "strict", "secure": https}


def adopt(request: Request) -> Response:
    """Trade the sign-in's one-time code for the session cookie."""
    try:
        with session_scope(_engine_for(default_url()), write=True) as session:
            token = exchange_handoff(session, request.query_params.get("code", ""))
    except Exception:  # the page goes on working; only a reload would ask to sign in again
        log.exception("could not hand over a sign-in session")
        return _empty()
    response = _empty()
    if token is not None:
        response.set_cookie(COOKIE_NAME, token, max_age=int(SESSION_LIFETIME.total_seconds()),
                            **_cookie_args(request))
    return response


def clear(request: Request) -> Response:
    """Drop the session cookie (after signing out; the session itself is already revoked)."""
    response = _empty()
    response.delete_cookie(COOKIE_NAME, **_cookie_args(request))
    return response


def session_routes() -> list[BaseRoute]:
    """The routes serve.py adds to Streamlit's server."""
    return [Route(ADOPT_PATH, adopt, methods=["GET"]), Route(CLEAR_PATH, clear, methods=["GET"])]
