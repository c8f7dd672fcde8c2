"""Channel subscriptions of this instance and the presence rules, with the broker doing cluster work."""

import json
import logging

from .. import protocol

log = logging.getLogger(__name__)


class Hub:
    """Who is subscribed to what here; delivers locally and asks the broker to reach other instances."""

    def __init__(self, broker):
        self.broker = broker
        self.subscribers = {}

    def local_subscribers(self, app_id, channel):
        return self.subscribers.get((app_id, channel), {})

    def deliver_local(self, app_id, channel, message, except_socket=None):
        """Send a ready-made wire message to this instance's subscribers of a channel."""
        for socket_id, conn in list(self.local_subscribers(app_id, channel).items()):
            if socket_id != except_socket:
                conn.send(message)

    async def publish(self, app_id, channel, message, except_socket=None):
        """Deliver here and on every other instance."""
        self.deliver_local(app_id, channel, message, except_socket)
        await self.broker.publish(app_id, channel, message, except_socket)

    async def subscribe(self, conn, channel, member=None):
        """Add a subscription; for presence also the member. Returns the presence member hash or None."""
        key = (conn.app.id, channel)
        fresh = channel not in conn.channels
        conn.channels.add(channel)
        self.subscribers.setdefault(key, {})[conn.socket_id] = conn
        if fresh:
            await self.broker.count_subscription(conn.app.id, channel, 1)
        if member is None:
            return None
        user_id, user_info = member
        added = False
        if conn.presence.get(channel) is None:
            conn.presence[channel] = (user_id, json.dumps(user_info))
            added = await self.broker.join(conn.app.id, channel, conn.socket_id, *conn.presence[channel])
        members = await self.broker.members(conn.app.id, channel)
        if added:
            data = {"user_id": user_id, "user_info": user_info}
            await self.member_added(conn.app.id, channel, data, except_socket=conn.socket_id)
        return members

    async def member_added(self, app_id, channel, data, except_socket=None):
        message = protocol.encode("pusher_internal:member_added", data, channel)
        await self.publish(app_id, channel, message, except_socket=except_socket)

    async def unsubscribe(self, conn, channel):
        """Drop a subscription; the last connection of a presence member removes the member everywhere."""
        if channel not in conn.channels:
            return
        conn.channels.discard(channel)
        key = (conn.app.id, channel)
        local = self.subscribers.get(key, {})
        local.pop(conn.socket_id, None)
        if not local:
            self.subscribers.pop(key, None)
        await self.broker.count_subscription(conn.app.id, channel, -1)
        if conn.presence.pop(channel, None) is not None:
            gone = await self.broker.leave(conn.app.id, channel, conn.socket_id)
            if gone is not None:
                await self.member_removed(conn.app.id, channel, gone)

    async def member_removed(self, app_id, channel, user_id):
        message = protocol.encode("pusher_internal:member_removed", {"user_id": user_id}, channel)
        await self.publish(app_id, channel, message)

    async def drop(self, conn):
        """A closed connection leaves all its channels."""
        for channel in list(conn.channels):
            try:
                await self.unsubscribe(conn, channel)
            except Exception:
                log.exception("cleanup of %s on %s failed", conn.socket_id, channel)
