"""Redis broker: pub/sub fan-out and cluster-wide presence so several instances act as one server."""

import asyncio
import json
import logging
import uuid

import redis.asyncio as aioredis

log = logging.getLogger(__name__)

POOL_SIZE = 32

# KEYS: conns, users, info, this instance's presence set. ARGV: field, user_id, user_info, set entry.
# Returns 1 for a new member. The set entry is added in the same step, so FORGET cannot miss it.
JOIN = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('SADD', KEYS[4], ARGV[4])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) == 1 then return 1 end
return 0
"""

# KEYS: conns, users, info. ARGV: fields to remove. Returns the user ids that have no connection left.
LEAVE = """
local gone = {}
for _, field in ipairs(ARGV) do
  local uid = redis.call('HGET', KEYS[1], field)
  if uid then
    redis.call('HDEL', KEYS[1], field)
    if redis.call('HINCRBY', KEYS[2], uid, -1) <= 0 then
      redis.call('HDEL', KEYS[2], uid)
      redis.call('HDEL', KEYS[3], uid)
      table.insert(gone, uid)
    end
  end
end
return gone
"""


# KEYS: conns, this instance's presence set. ARGV: "<instance>|", set entry.
# Drops the channel from the instance's presence set once none of its connections is a member there.
FORGET = """
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, #ARGV[1]) == ARGV[1] then return 0 end
end
return redis.call('SREM', KEYS[2], ARGV[2])
"""


class RedisBroker:
    """Each instance has an id and a heartbeat key; live instances reap the presence of dead ones."""

    def __init__(self, url, prefix="addchat:pusher", heartbeat=5.0):
        self.url = url
        self.prefix = prefix
        self.heartbeat = heartbeat
        self.instance = uuid.uuid4().hex
        self.hub = None
        self.redis = None
        self._pubsub = None
        self._tasks = []
        self._registered = False

    def _key(self, *parts):
        return ":".join((self.prefix,) + parts)

    def _presence_keys(self, app_id, channel):
        base = self._key("presence", app_id, channel)
        return [base + ":conns", base + ":users", base + ":info"]

    async def start(self, hub):
        self.hub = hub
        # A blocking pool: bursts of subscriptions wait for a connection instead of failing
        # (redis-py's default pool raises MaxConnectionsError once it is exhausted).
        pool = aioredis.BlockingConnectionPool.from_url(
            self.url, max_connections=POOL_SIZE, timeout=20, decode_responses=True
        )
        self.redis = aioredis.Redis.from_pool(pool)
        # Heartbeats get their own connection so a queue of ordinary commands cannot delay them.
        self._control = aioredis.Redis.from_url(self.url, decode_responses=True)
        await self.redis.ping()
        self._join = self.redis.register_script(JOIN)
        self._leave = self.redis.register_script(LEAVE)
        self._forget = self.redis.register_script(FORGET)
        await self._beat()
        self._pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(self._key("events"))
        self._tasks = [
            asyncio.create_task(self._listen()),
            asyncio.create_task(self._heartbeat_loop()),
        ]

    async def stop(self):
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            await self.reap(self.instance)
            await self.redis.delete(self._key("instance", self.instance, "alive"))
        finally:
            await self._pubsub.aclose()
            await self.redis.aclose()
            await self._control.aclose()

    async def publish(self, app_id, channel, message, except_socket=None):
        envelope = {
            "o": self.instance,
            "a": app_id,
            "c": channel,
            "m": message,
            "x": except_socket,
        }
        await self.redis.publish(self._key("events"), json.dumps(envelope))

    async def _listen(self):
        """Deliver other instances' messages here; keep listening across Redis reconnects."""
        while True:
            try:
                async for item in self._pubsub.listen():
                    self._deliver(item)
            except (ConnectionError, OSError, aioredis.RedisError):
                log.exception("lost the Redis events subscription, retrying")
                await asyncio.sleep(1)

    def _deliver(self, item):
        try:
            envelope = json.loads(item["data"])
            if envelope["o"] != self.instance:
                self.hub.deliver_local(envelope["a"], envelope["c"], envelope["m"], envelope["x"])
        except Exception:
            log.exception("bad message on the events channel")

    async def count_subscription(self, app_id, channel, delta):
        key = self._key("instance", self.instance, "subs")
        field = json.dumps([app_id, channel])
        if await self.redis.hincrby(key, field, delta) <= 0:
            await self.redis.hdel(key, field)

    async def occupancy(self, app_id):
        """Subscription counts summed over live instances."""
        totals = {}
        for instance in await self._live_instances():
            counts = await self.redis.hgetall(self._key("instance", instance, "subs"))
            for field, n in counts.items():
                app, channel = json.loads(field)
                if app == app_id and int(n) > 0:
                    totals[channel] = totals.get(channel, 0) + int(n)
        return totals

    async def join(self, app_id, channel, socket_id, user_id, user_info_json):
        field = f"{self.instance}|{socket_id}"
        keys = [*self._presence_keys(app_id, channel), self._key("instance", self.instance, "presence")]
        entry = json.dumps([app_id, channel])
        return await self._join(keys=keys, args=[field, user_id, user_info_json, entry]) == 1

    async def leave(self, app_id, channel, socket_id):
        """Forget a presence connection; the set of this instance's presence channels shrinks with it."""
        field = f"{self.instance}|{socket_id}"
        keys = self._presence_keys(app_id, channel)
        gone = await self._leave(keys=keys, args=[field])
        await self._forget(
            keys=[keys[0], self._key("instance", self.instance, "presence")],
            args=[f"{self.instance}|", json.dumps([app_id, channel])],
        )
        return gone[0] if gone else None

    async def members(self, app_id, channel):
        info = await self.redis.hgetall(self._presence_keys(app_id, channel)[2])
        return {uid: json.loads(value) for uid, value in info.items()}

    async def _beat(self):
        ttl_ms = max(1000, int(self.heartbeat * 3000))
        await self._control.set(self._key("instance", self.instance, "alive"), "1", px=ttl_ms)
        if await self._control.sadd(self._key("instances"), self.instance) and self._registered:
            log.warning("instance %s was reaped while alive (stalled?); restoring its state", self.instance)
            await self._restore()
        self._registered = True

    async def _restore(self):
        """Put back this instance's subscriptions and presence members after others reaped them."""
        subs = self._key("instance", self.instance, "subs")
        for (app_id, channel), conns in list(self.hub.subscribers.items()):
            await self.redis.hset(subs, json.dumps([app_id, channel]), len(conns))
            for conn in list(conns.values()):
                if channel in conn.presence:
                    user_id, user_info_json = conn.presence[channel]
                    if await self.join(app_id, channel, conn.socket_id, user_id, user_info_json):
                        data = {"user_id": user_id, "user_info": json.loads(user_info_json)}
                        await self.hub.member_added(app_id, channel, data)

    async def _live_instances(self):
        live = []
        for instance in await self.redis.smembers(self._key("instances")):
            if await self.redis.exists(self._key("instance", instance, "alive")):
                live.append(instance)
        return live

    async def _heartbeat_loop(self):
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                await self._beat()
                for instance in await self.redis.smembers(self._key("instances")):
                    if instance != self.instance and not await self.redis.exists(
                        self._key("instance", instance, "alive")
                    ):
                        log.info("reaping dead instance %s", instance)
                        await self.reap(instance)
            except (ConnectionError, aioredis.RedisError, OSError):
                log.exception("heartbeat failed")

    async def reap(self, instance):
        """Remove every presence connection of an instance; member_removed fires once per gone member."""
        presence_set = self._key("instance", instance, "presence")
        marker = instance + "|"
        for entry in await self.redis.smembers(presence_set):
            app_id, channel = json.loads(entry)
            keys = self._presence_keys(app_id, channel)
            fields = [f for f in await self.redis.hkeys(keys[0]) if f.startswith(marker)]
            if fields:
                for user_id in await self._leave(keys=keys, args=fields):
                    await self.hub.member_removed(app_id, channel, user_id)
        await self.redis.delete(presence_set, self._key("instance", instance, "subs"))
        await self.redis.srem(self._key("instances"), instance)
