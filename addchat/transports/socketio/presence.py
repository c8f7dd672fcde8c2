"""Who is online and who is typing: in Redis when processes share it, else in this process.

A user is online while at least one of their connections is open, in any tab and any server
process. The Redis store keeps one sorted set per user (member: connection id, score: the
time it lapses); each process refreshes its own connections with a heartbeat, so the
connections of a process that died lapse after ADDCHAT_PRESENCE_TTL instead of staying
online forever; every process sweeps lapsed connections and reports users whose last one
lapsed, each exactly once (one atomic script per sweep), so watchers get their "offline". Each
connection also records the browser session it came from, so signing out can find and close
that session's connections in every process. Typing keeps one short-lived key per (typist, peer) so that "start" is
relayed at most once per throttle across every process.

Picked once at start-up from SOCKETIO_MESSAGE_QUEUE (like CTFd's event managers); callers
only see the methods of `MemoryPresence`.
"""

import threading
import time

import redis


def _now_ms():
    """Return the wall clock in milliseconds (shared by processes on one machine or NTP)."""
    return int(time.time() * 1000)


class MemoryPresence:
    """Presence and typing state of one process: right for a single server process."""

    # What the dashboard's counts cover: this process only.
    scope = "process"

    def __init__(self, typing_timeout_ms=6000):
        self.typing_timeout_ms = typing_timeout_ms
        self._lock = threading.Lock()
        self._local = {}  # connection id -> user id, this process's connections
        self._sids = {}  # user id -> set of connection ids
        self._session_of = {}  # connection id -> browser session id, this process's connections
        self._signed_out = {}  # browser session id -> when its sign-out stops mattering (s)
        self._typing = {}  # "typist:peer" -> (last relayed ms, lapses at ms)

    def connect(self, user_id, sid, session_id=None):
        """Count a new connection; True when it brings the user online."""
        with self._lock:
            self._local[sid] = user_id
            if session_id:
                self._session_of[sid] = session_id
            sids = self._sids.setdefault(user_id, set())
            sids.add(sid)
            return len(sids) == 1

    def disconnect(self, sid):
        """Forget a connection; return (user id or None, True when the user went offline)."""
        with self._lock:
            user_id = self._local.pop(sid, None)
            self._session_of.pop(sid, None)
            sids = self._sids.get(user_id)
            if sids is None or sid not in sids:
                return user_id, False
            sids.discard(sid)
            if sids:
                return user_id, False
            del self._sids[user_id]
            return user_id, True

    def online(self, user_ids):
        """Return the subset of user_ids that have an open connection."""
        with self._lock:
            return {uid for uid in user_ids if self._sids.get(uid)}

    def counts(self):
        """Return (open connections, online users) of this process, for the dashboard."""
        with self._lock:
            return len(self._local), len(self._sids)

    def refresh(self):
        """Keep this process's connections alive; return users they brought back (none in memory)."""
        return set()

    def sweep(self):
        """Forget lapsed connections; return users who went offline (nothing lapses in memory)."""
        return []

    def sign_out(self, session_id, forget_after):
        """Mark a browser session signed out; return the ids of its open connections."""
        now = time.time()
        with self._lock:
            self._signed_out = {k: v for k, v in self._signed_out.items() if v > now}
            self._signed_out[session_id] = now + forget_after
            return sorted(sid for sid, sess in self._session_of.items() if sess == session_id)

    def signed_out(self, session_id):
        """Return True when this browser session was signed out (its old cookie must not connect)."""
        with self._lock:
            return self._signed_out.get(session_id, 0) > time.time()

    def typing(self, typist_id, peer_id, is_typing, throttle_ms):
        """Record a typing signal; True when it must be relayed to the peer."""
        key = f"{typist_id}:{peer_id}"
        now = _now_ms()
        with self._lock:
            last, lapses = self._typing.get(key, (None, 0))
            active = last is not None and lapses > now
            if not is_typing:
                self._typing.pop(key, None)
                return active
            if active and now - last < throttle_ms:
                return False
            self._typing[key] = (now, now + self.typing_timeout_ms)
            if len(self._typing) > 10_000:
                self._typing = {k: v for k, v in self._typing.items() if v[1] > now}
            return True


# Forget every connection that lapsed, atomically: of processes sweeping at once, exactly one
# removes each connection, and only the one that removed a user's last live connection reports them.
SWEEP = """
local index, prefix, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local touched = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', index, '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', index, member)
  local uid, sid = string.match(member, '^(%d+):(.+)$')
  if uid then
    local key = prefix .. ':presence:' .. uid
    local score = redis.call('ZSCORE', key, sid)
    if score and tonumber(score) <= now and redis.call('ZREM', key, sid) == 1 then
      touched[uid] = key
    end
  end
end
local offline = {}
for uid, key in pairs(touched) do
  if redis.call('ZCOUNT', key, '(' .. now, '+inf') == 0 then
    table.insert(offline, tonumber(uid))
  end
end
return offline
"""


class RedisPresence(MemoryPresence):
    """Presence and typing state shared by every server process through Redis."""

    scope = "redis"

    def __init__(self, url, prefix="addchat", ttl=60, typing_timeout_ms=6000):
        super().__init__(typing_timeout_ms)
        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self.ttl = ttl
        self._sweep = self.redis.register_script(SWEEP)
        # Every connection of every process as "user id:connection id", scored by when it lapses.
        self._lapses = f"{prefix}:presence:lapses"

    def _key(self, user_id):
        return f"{self.prefix}:presence:{user_id}"

    def _session_key(self, session_id):
        return f"{self.prefix}:session:{session_id}"

    def connect(self, user_id, sid, session_id=None):
        """Add the connection to the user's set; True when no other live one was there."""
        with self._lock:
            self._local[sid] = user_id
            if session_id:
                self._session_of[sid] = session_id
        now = time.time()
        pipe = self.redis.pipeline(transaction=True)
        pipe.zremrangebyscore(self._key(user_id), "-inf", now)
        pipe.zadd(self._key(user_id), {sid: now + self.ttl})
        pipe.zcard(self._key(user_id))
        pipe.expire(self._key(user_id), self.ttl * 2)
        pipe.zadd(self._lapses, {f"{user_id}:{sid}": now + self.ttl})
        if session_id:
            pipe.sadd(self._session_key(session_id), sid)
            pipe.expire(self._session_key(session_id), self.ttl * 2)
        return pipe.execute()[2] == 1

    def disconnect(self, sid):
        """Remove the connection; True when it was the user's last live one anywhere."""
        with self._lock:
            user_id = self._local.pop(sid, None)
            session_id = self._session_of.pop(sid, None)
        if user_id is None:
            return None, False
        pipe = self.redis.pipeline(transaction=True)
        pipe.zrem(self._key(user_id), sid)
        pipe.zremrangebyscore(self._key(user_id), "-inf", time.time())
        pipe.zcard(self._key(user_id))
        pipe.zrem(self._lapses, f"{user_id}:{sid}")
        if session_id:
            pipe.srem(self._session_key(session_id), sid)
        removed, _, left = pipe.execute()[:3]
        return user_id, bool(removed) and left == 0

    def online(self, user_ids):
        """Return the subset of user_ids with a connection that has not lapsed."""
        user_ids = list(user_ids)
        if not user_ids:
            return set()
        pipe = self.redis.pipeline(transaction=False)
        now = time.time()
        for uid in user_ids:
            pipe.zcount(self._key(uid), now, "+inf")
        return {uid for uid, count in zip(user_ids, pipe.execute(), strict=True) if count}

    def counts(self):
        """Return (open connections, online users) of every process, from the lapse index."""
        members = self.redis.zrangebyscore(self._lapses, time.time(), "+inf")
        return len(members), len({member.split(b":", 1)[0] for member in members})

    def refresh(self):
        """Push the lapse time of this process's connections forward (the heartbeat).

        Returns the users whose connection a sweep had already forgotten (a heartbeat that came
        too late): it is added back, and their watchers must hear that they are online again.
        """
        with self._lock:
            local = dict(self._local)
            sessions = set(self._session_of.values())
        if not local:
            return set()
        expires = time.time() + self.ttl
        pipe = self.redis.pipeline(transaction=False)
        for sid, user_id in local.items():
            # XX: only refresh; never bring back a connection that closed meanwhile.
            pipe.zadd(self._key(user_id), {sid: expires}, xx=True, ch=True)
            pipe.expire(self._key(user_id), self.ttl * 2)
            pipe.zadd(self._lapses, {f"{user_id}:{sid}": expires}, xx=True)
        for session_id in sessions:
            pipe.expire(self._session_key(session_id), self.ttl * 2)
        kept = pipe.execute()[: 3 * len(local) : 3]
        back = set()
        for sid, was_kept in zip(local, kept, strict=True):
            with self._lock:
                user_id, session_id = self._local.get(sid), self._session_of.get(sid)
            if not was_kept and user_id is not None and self.connect(user_id, sid, session_id):
                back.add(user_id)
        return back

    def sweep(self):
        """Forget lapsed connections of every process; return users who went offline, once each."""
        return [int(uid) for uid in self._sweep(keys=[self._lapses], args=[self.prefix, time.time()])]

    def sign_out(self, session_id, forget_after):
        """Mark a browser session signed out; return its open connections in every process."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(f"{self.prefix}:signed-out:{session_id}", 1, ex=max(1, int(forget_after)))
        pipe.smembers(self._session_key(session_id))
        pipe.delete(self._session_key(session_id))
        return sorted(sid.decode() for sid in pipe.execute()[1])

    def signed_out(self, session_id):
        """Return True when this browser session was signed out (its old cookie must not connect)."""
        return bool(self.redis.exists(f"{self.prefix}:signed-out:{session_id}"))

    def typing(self, typist_id, peer_id, is_typing, throttle_ms):
        """Record a typing signal in Redis; True when it must be relayed to the peer."""
        key = f"{self.prefix}:typing:{typist_id}:{peer_id}"
        if not is_typing:
            return bool(self.redis.delete(key))
        now = _now_ms()
        last = self.redis.get(key)
        if last is not None and now - int(last) < throttle_ms:
            return False
        self.redis.set(key, now, px=self.typing_timeout_ms)
        return True


def presence_store(config):
    """Build the store the config asks for: Redis when the message queue is Redis."""
    queue = config.get("SOCKETIO_MESSAGE_QUEUE") or ""
    timeout = config["ADDCHAT_TYPING_TIMEOUT_MS"]
    if queue.startswith(("redis://", "rediss://", "unix://")):
        return RedisPresence(queue, config["SOCKETIO_CHANNEL"], config["ADDCHAT_PRESENCE_TTL"], timeout)
    return MemoryPresence(timeout)
