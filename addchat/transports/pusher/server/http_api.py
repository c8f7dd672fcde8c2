"""The Pusher HTTP API subset that server libraries call: trigger, batch trigger, channel queries."""

import json

from aiohttp import web

from .. import protocol
from .signatures import api_request_problem
from .websocket import SERVER_KEY

MAX_BODY_BYTES = 256 * 1024


def routes(router):
    router.add_post("/apps/{app_id}/events", trigger)
    router.add_post("/apps/{app_id}/batch_events", trigger_batch)
    router.add_get("/apps/{app_id}/channels", channels)
    router.add_get("/apps/{app_id}/channels/{channel}", channel_info)
    router.add_get("/apps/{app_id}/channels/{channel}/users", channel_users)


def fail(status, text):
    return web.json_response({"error": text}, status=status)


async def signed(request):
    """(server, app, body) for a correctly signed request, else raises an HTTP error response."""
    server = request.app[SERVER_KEY]
    app = server.apps.by_id(request.match_info["app_id"])
    if app is None:
        raise web.HTTPNotFound(text=json.dumps({"error": "Unknown app"}), content_type="application/json")
    body = await request.read() if request.can_read_body else b""
    query = {k: v for k, v in request.query.items()}
    problem = api_request_problem(app, request.method, request.path, query, body)
    if problem:
        raise web.HTTPUnauthorized(text=json.dumps({"error": problem}), content_type="application/json")
    return server, app, body


def parse_json(body):
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return None


def check_event(event):
    """(status, text) describing why an event to trigger is unacceptable, or None."""
    name = event.get("name")
    if not isinstance(name, str) or not name or len(name) > protocol.MAX_EVENT_NAME:
        return (
            400,
            f"Event name missing or longer than {protocol.MAX_EVENT_NAME} characters",
        )
    if protocol.data_size(event.get("data")) > protocol.MAX_EVENT_BYTES:
        return (413, f"Event data larger than {protocol.MAX_EVENT_BYTES} bytes")
    return None


def event_channels(event):
    found = event.get("channels")
    if found is None and event.get("channel") is not None:
        found = [event["channel"]]
    if not isinstance(found, list) or not found or len(found) > protocol.MAX_TRIGGER_CHANNELS:
        return None
    if not all(protocol.valid_trigger_channel(c) for c in found):
        return None
    return found


async def publish_event(server, app, event, found):
    data = event.get("data")
    socket_id = event.get("socket_id")
    for channel in found:
        message = protocol.encode(event["name"], data if data is not None else "", channel)
        await server.hub.publish(app.id, channel, message, except_socket=socket_id)


async def attributes(server, app, channel, wanted):
    """Channel attributes (subscription_count, user_count) asked for by an info parameter."""
    result = {}
    if "subscription_count" in wanted:
        result["subscription_count"] = (await server.hub.broker.occupancy(app.id)).get(channel, 0)
    if "user_count" in wanted and protocol.channel_kind(channel) == "presence":
        result["user_count"] = len(await server.hub.broker.members(app.id, channel))
    return result


def info_list(value):
    return [part for part in (value or "").split(",") if part]


async def trigger(request):
    server, app, body = await signed(request)
    event = parse_json(body)
    if not isinstance(event, dict):
        return fail(400, "Body must be a JSON object")
    problem = check_event(event)
    if problem:
        return fail(*problem)
    found = event_channels(event)
    if found is None:
        return fail(400, f"Give 1 to {protocol.MAX_TRIGGER_CHANNELS} valid channel names")
    await publish_event(server, app, event, found)
    wanted = info_list(event.get("info"))
    if not wanted:
        return web.json_response({})
    return web.json_response({"channels": {c: await attributes(server, app, c, wanted) for c in found}})


async def trigger_batch(request):
    server, app, body = await signed(request)
    payload = parse_json(body)
    batch = payload.get("batch") if isinstance(payload, dict) else None
    if not isinstance(batch, list) or len(batch) > protocol.MAX_BATCH_EVENTS:
        return fail(400, f"batch must be a list of at most {protocol.MAX_BATCH_EVENTS} events")
    checked = []
    for event in batch:
        if not isinstance(event, dict):
            return fail(400, "Each batch entry must be an object")
        problem = check_event(event)
        found = event_channels(event)
        if problem:
            return fail(*problem)
        if found is None or len(found) != 1:
            return fail(400, "Each batch event needs one valid channel")
        checked.append((event, found))
    for event, found in checked:
        await publish_event(server, app, event, found)
    return web.json_response({})


async def channels(request):
    server, app, _ = await signed(request)
    prefix = request.query.get("filter_by_prefix", "")
    wanted = info_list(request.query.get("info"))
    if "user_count" in wanted and not prefix.startswith("presence-"):
        return fail(400, "user_count may only be asked for with filter_by_prefix=presence-")
    result = {}
    for channel in sorted(await server.hub.broker.occupancy(app.id)):
        if channel.startswith(prefix):
            result[channel] = await attributes(server, app, channel, wanted)
    return web.json_response({"channels": result})


async def channel_info(request):
    server, app, _ = await signed(request)
    channel = request.match_info["channel"]
    wanted = info_list(request.query.get("info"))
    count = (await server.hub.broker.occupancy(app.id)).get(channel, 0)
    result = {"occupied": count > 0}
    result.update(await attributes(server, app, channel, wanted))
    return web.json_response(result)


async def channel_users(request):
    server, app, _ = await signed(request)
    channel = request.match_info["channel"]
    if protocol.channel_kind(channel) != "presence":
        return fail(400, "Users can only be listed for presence channels")
    members = await server.hub.broker.members(app.id, channel)
    return web.json_response({"users": [{"id": uid} for uid in members]})
