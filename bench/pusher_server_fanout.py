"""Measure fan-out of the built-in Pusher server: N WebSocket subscribers, M triggers by the pusher library.

Usage: .venv/bin/python -m bench.pusher_server_fanout [--clients 500] [--events 50] [--redis-url URL]
With --redis-url the clients are split over two instances sharing Redis. Loopback only, bounded.
"""

import argparse
import asyncio
import json
import statistics
import time
import uuid

import aiohttp
import pusher

from addchat.transports.pusher.server import App, BackgroundServer

APP = App("1", "bench-key", "bench-secret")


async def subscriber(session, port, channel, expected, latencies, ready):
    async with session.ws_connect(f"ws://127.0.0.1:{port}/app/{APP.key}?protocol=7") as ws:
        await ws.receive_str()
        await ws.send_str(json.dumps({"event": "pusher:subscribe", "data": {"channel": channel}}))
        await ws.receive_str()
        ready.release()
        got = 0
        while got < expected:
            message = json.loads(await ws.receive_str())
            if message["event"] == "tick":
                latencies.append(time.perf_counter() - json.loads(message["data"])["t"])
                got += 1


async def measure(ports, clients, events):
    channel = "bench-" + uuid.uuid4().hex[:6]
    latencies = []
    ready = asyncio.Semaphore(0)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [
            asyncio.create_task(subscriber(session, ports[i % len(ports)], channel, events, latencies, ready))
            for i in range(clients)
        ]
        for _ in range(clients):
            await asyncio.wait_for(ready.acquire(), 60)
        lib = pusher.Pusher(APP.id, APP.key, APP.secret, host="127.0.0.1", port=ports[0], ssl=False)
        start = time.perf_counter()
        for _ in range(events):
            await asyncio.to_thread(lib.trigger, channel, "tick", {"t": time.perf_counter()})
        await asyncio.wait_for(asyncio.gather(*tasks), 120)
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "clients": clients,
        "events": events,
        "deliveries": len(latencies),
        "seconds": round(elapsed, 3),
        "deliveries_per_second": round(len(latencies) / elapsed),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 2),
        "latency_ms_p99": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--redis-url", default=None)
    args = parser.parse_args()
    prefix = "addchat-bench:" + uuid.uuid4().hex[:8]
    count = 2 if args.redis_url else 1
    servers = [
        BackgroundServer([APP], port=0, redis_url=args.redis_url, redis_prefix=prefix).start()
        for _ in range(count)
    ]
    try:
        result = asyncio.run(measure([s.port for s in servers], args.clients, args.events))
    finally:
        for server in servers:
            server.stop()
    result["instances"] = count
    print(json.dumps(result))


if __name__ == "__main__":
    main()
