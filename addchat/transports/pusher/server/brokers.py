"""In-process broker: presence and occupancy for a single server instance (no Redis)."""

import json


class LocalBroker:
    """Keeps presence membership and subscription counts in memory; nothing to fan out."""

    def __init__(self):
        self.hub = None
        self._counts = {}
        self._conns = {}
        self._users = {}
        self._info = {}

    async def start(self, hub):
        self.hub = hub

    async def stop(self):
        pass

    async def publish(self, app_id, channel, message, except_socket=None):
        pass

    async def count_subscription(self, app_id, channel, delta):
        key = (app_id, channel)
        count = self._counts.get(key, 0) + delta
        if count > 0:
            self._counts[key] = count
        else:
            self._counts.pop(key, None)

    async def occupancy(self, app_id):
        """Subscription count of every occupied channel of an app."""
        return {channel: n for (app, channel), n in self._counts.items() if app == app_id}

    async def join(self, app_id, channel, socket_id, user_id, user_info_json):
        """Record a presence connection; True when this is the member's first connection."""
        key = (app_id, channel)
        conns = self._conns.setdefault(key, {})
        if socket_id in conns:
            return False
        conns[socket_id] = user_id
        users = self._users.setdefault(key, {})
        users[user_id] = users.get(user_id, 0) + 1
        self._info.setdefault(key, {})[user_id] = user_info_json
        return users[user_id] == 1

    async def leave(self, app_id, channel, socket_id):
        """Forget a presence connection; the user id when it was the member's last one."""
        key = (app_id, channel)
        user_id = self._conns.get(key, {}).pop(socket_id, None)
        if user_id is None:
            return None
        users = self._users[key]
        users[user_id] -= 1
        if users[user_id] > 0:
            return None
        del users[user_id]
        self._info[key].pop(user_id, None)
        if not users:
            for table in (self._conns, self._users, self._info):
                table.pop(key, None)
        return user_id

    async def members(self, app_id, channel):
        """user_id -> user_info of the channel's members."""
        return {uid: json.loads(info) for uid, info in self._info.get((app_id, channel), {}).items()}
