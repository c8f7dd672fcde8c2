"""Socket.IO handlers: who may connect, and the few events a client may send.

A connection is accepted only for a signed-in user (the Flask-Login session cookie) and joins
exactly one user room, its own; no event lets a client join, emit into or listen to another
room. Sending a message stays an HTTP POST, so the database stays the source of truth.

Client -> server, each answered with an ack `{"ok": true, ...}` or `{"error": {"code", "message"}}`:
  typing          {"to": user_id, "typing": bool}  relayed to that user only
  presence:watch  {"ids": [user_id, ...]}          ack lists who is online; changes follow live
Server -> client (all through push.py): change {seq, type, data}, typing {user_id, typing},
presence {user_id, online}.
"""

import logging
from functools import wraps

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, disconnect, join_room
from limits import parse as parse_limit

from addchat.api.parse import int_value
from addchat.context import db_session
from addchat.errors import error_body
from addchat.extensions import limiter, socketio
from addchat.services.errors import ChatError, InvalidInput
from addchat.transports.socketio.push import presence_room, push_presence, push_typing, user_room
from addchat.transports.socketio.signout import browser_session_id
from addchat.users import chat_peers, get_peer

log = logging.getLogger(__name__)


def presence():
    """Return this app's presence store (memory or Redis, chosen at start-up)."""
    return current_app.extensions["addchat_presence"]


def authenticated_only(handler):
    """Run a socket handler only for a signed-in user, within the connection's event budget."""

    @wraps(handler)
    def wrapped(*args):
        if not current_user.is_authenticated:
            disconnect()
            return error_body("unauthorized", "Sign in to use the chat.")
        if not within_event_budget(request.sid):
            return error_body("rate_limited", "Too many events; slow down.")
        return handler(*args)

    return wrapped


def within_event_budget(sid):
    """Count one event against the connection's budget, in the HTTP limits' own store (Flask-Limiter)."""
    if not limiter.enabled:
        return True
    budget = parse_limit(current_app.config["ADDCHAT_SOCKET_EVENT_RATE_LIMIT"])
    try:
        return limiter.limiter.hit(budget, "socket-events", sid)
    except Exception as error:  # the store is down: let the event through, as HTTP limits do
        log.warning("rate-limit store unavailable for socket events: %s", error)
        return True


def forged_by_client():
    """Tell whether a client emitted an event named like a reserved one ("connect", "disconnect").

    python-socketio runs the connect and disconnect handlers for the real thing while the
    connection is pending (not yet, or no longer, connected); a client's event of that name
    reaches the same handler on a fully connected socket, and must change nothing.
    """
    return socketio.server.manager.is_connected(request.sid, request.namespace or "/")


def payload(args, *fields):
    """Return the event's one JSON object, refusing other shapes and unknown keys."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise InvalidInput("Send one JSON object with the event.", code="invalid_payload")
    unknown = sorted(set(args[0]) - set(fields))
    if unknown:
        raise InvalidInput(f"Unknown field '{str(unknown[0])[:40]}'.", code="invalid_payload")
    return args[0]


@socketio.on("connect")
def on_connect(auth=None):
    """Accept a signed-in user's connection into their own room; refuse anyone else."""
    if forged_by_client():
        return error_body("reserved_event", "'connect' is reserved; clients cannot send it.")
    session_id = browser_session_id()
    if not current_user.is_authenticated or (session_id and presence().signed_out(session_id)):
        raise ConnectionRefusedError("unauthorized")
    user_id = current_user.id
    join_room(user_room(user_id))
    if presence().connect(user_id, request.sid, session_id):
        push_presence(user_id, True)
    _start_heartbeat(presence())


@socketio.on("disconnect")
def on_disconnect(*args):
    """Forget the connection; the user goes offline when it was their last one anywhere."""
    if forged_by_client():
        return error_body("reserved_event", "'disconnect' is reserved; close the socket instead.")
    user_id, went_offline = presence().disconnect(request.sid)
    if went_offline:
        push_presence(user_id, False)


@socketio.on("typing")
@authenticated_only
def on_typing(*args):
    """Relay "I am typing to you" (or "stopped") to the peer only, throttled."""
    data = payload(args, "to", "typing")
    peer_id = int_value(data.get("to"), "to", minimum=1)
    is_typing = data.get("typing")
    if not isinstance(is_typing, bool):
        raise InvalidInput("'typing' must be true or false.", code="invalid_typing")
    get_peer(db_session(), current_user, peer_id)
    throttle = current_app.config["ADDCHAT_TYPING_THROTTLE_MS"]
    if presence().typing(current_user.id, peer_id, is_typing, throttle):
        push_typing(current_user.id, peer_id, is_typing)
    return {"ok": True}


@socketio.on("presence:watch")
@authenticated_only
def on_presence_watch(*args):
    """Watch people the user may chat with: who is online now, and changes as they happen."""
    ids = payload(args, "ids").get("ids")
    most = current_app.config["ADDCHAT_PRESENCE_WATCH_MAX"]
    if not isinstance(ids, list) or len(ids) > most:
        raise InvalidInput(f"'ids' must be a list of at most {most} user ids.", code="invalid_ids")
    ids = [int_value(value, "ids", minimum=1) for value in ids]
    peers = chat_peers(db_session(), current_user, ids)
    for peer_id in peers:
        join_room(presence_room(peer_id))
    return {"ok": True, "online": sorted(presence().online(peers))}


@socketio.on("*")
def on_unknown(event, *args):
    """Answer any other event with an error: clients cannot join rooms or emit to others."""
    return error_body("unknown_event", f"There is no event '{str(event)[:40]}'.")


@socketio.on_error_default
def on_error(error):
    """Answer a refused or failed event with an error ack; never let it crash the server."""
    if isinstance(error, ChatError):
        return error_body(error.code, error.message)
    log.error("Socket event %r failed", getattr(request, "event", None), exc_info=error)
    return error_body("server_error", "The server could not handle this event.")


def _start_heartbeat(store):
    """Start the background task that keeps this process's connections alive in Redis and sweeps
    every process's lapsed ones, once per process (started by its first connection)."""
    seconds = getattr(store, "ttl", None)
    if not seconds or getattr(store, "heartbeat", None) is not None:
        return
    store.heartbeat = socketio.start_background_task(_heartbeat, store, max(1, seconds // 3))


def _heartbeat(store, seconds):
    """Every `seconds`: refresh this process's connections, and push "offline" for users whose
    last connection lapsed (a crashed process's), once across all processes."""
    while True:
        socketio.sleep(seconds)
        try:
            for user_id in store.refresh():
                push_presence(user_id, True)
        except Exception:
            log.exception("Presence heartbeat failed; connections may show offline after the TTL")
        try:
            for user_id in store.sweep():
                push_presence(user_id, False)
        except Exception:
            log.exception("Presence sweep failed; lapsed users will be swept next time")
