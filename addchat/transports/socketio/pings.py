"""Engine.IO pings from a timer per socket, not a green thread sleeping through each ping interval.

python-engineio (4.x) schedules a socket's next ping by starting a background task that sleeps
`ping_interval` and then queues the ping. Under gevent or eventlet that is a started green thread per
connection, parked in sleep with its stack saved: about 9 KiB of every idle connection's memory
(bench/push.py, 10,000 idle sockets). A timer that starts the same short task when it fires keeps
the ping, its interval and the ping timeout exactly as they were, at the cost of an unstarted
greenlet. Threading mode (the test client, `flask run`) keeps python-engineio's own scheduling.
"""

import time

from engineio import packet
from engineio.socket import Socket


def ping_now(sock):
    """What python-engineio's Socket._send_ping does once its sleep is over."""
    if not sock.closing and not sock.closed:
        sock.last_ping = time.time()
        sock.send(packet.Packet(packet.PING))


def later(async_mode):
    """The green library's call-later-in-a-new-green-thread, or None for other async modes."""
    if async_mode == "gevent":
        import gevent

        return gevent.spawn_later
    if async_mode == "eventlet":
        import eventlet

        return eventlet.spawn_after
    return None


def ping_from_timers(eio):
    """Route this Engine.IO server's ping tasks through timers; returns whether it did."""
    spawn_later = later(eio.async_mode)
    if spawn_later is None or getattr(eio, "pings_from_timers", False):
        return False
    start_background_task = eio.start_background_task

    def start_task(target, *args, **kwargs):
        sock = getattr(target, "__self__", None)
        if getattr(target, "__func__", None) is Socket._send_ping and isinstance(sock, Socket):
            return spawn_later(eio.ping_interval, ping_now, sock)
        return start_background_task(target, *args, **kwargs)

    eio.start_background_task = start_task
    eio.pings_from_timers = True
    return True
