// Load generator for bench/push.py: one Node process, socket.io-client (the widget's library),
// the same code against AddChat and against the reference server.
// Input: a JSON plan on argv[2]. Output: JSON lines on stdout; waits for "go" on stdin
// after each "connected" line so the orchestrator can read the server's memory.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { request, Agent } from "node:http";
import { io } from "socket.io-client";
import Pusher from "pusher-js";
import { WebSocket as WsWebSocket } from "ws";

// Browser reality: Chromium offers "permessage-deflate; client_max_window_bits" on every WebSocket.
// socket.io-client's Node transport (the ws package) offers it when perMessageDeflate is set;
// pusher-js's Node runtime (faye-websocket) offers nothing, so it is given ws's WebSocket instead.

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const OFFER_DEFLATE = plan.offer_deflate !== false;
if (OFFER_DEFLATE) Pusher.Runtime.getWebSocketAPI = () => WsWebSocket;
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const lines = createInterface({ input: process.stdin });
const waiting = [];
lines.on("line", () => waiting.length && waiting.shift()());
const go = () => new Promise((resolve) => waiting.push(resolve));
const now = () => performance.now();

const sockets = [];
const pending = new Map(); // body -> {t0, resolve}
let delivered = 0;

function onChange(change, userId) {
  const body = change && change.data && change.data.body;
  const entry = pending.get(body);
  if (!entry || entry.to !== userId) return; // the sender's own tabs get it too: not counted
  pending.delete(body);
  delivered += 1;
  entry.resolve(now() - entry.t0);
}

// Pusher mode: pusher-js on the built-in Pusher server, authorised by AddChat's endpoint.
function connectPusher(user) {
  const p = plan.pusher;
  const authorize = ({ socketId, channelName }, callback) => {
    const headers = { Cookie: `session=${user.cookie}`, "X-CSRFToken": user.token, "content-type": "application/x-www-form-urlencoded" };
    const form = new URLSearchParams({ socket_id: socketId, channel_name: channelName }).toString();
    post(`${plan.url}/addchat/pusher/auth`, headers, form).then(
      (res) => (res.status === 200 ? callback(null, JSON.parse(res.text)) : callback(new Error(`auth ${res.status}`), null)),
      (err) => callback(err, null),
    );
  };
  return new Promise((resolve, reject) => {
    const client = new Pusher(p.key, {
      cluster: "mt1",
      wsHost: p.host,
      wsPort: p.port,
      forceTLS: false,
      enabledTransports: ["ws"],
      disableStats: true,
      channelAuthorization: { customHandler: authorize },
    });
    const channel = client.subscribe(`private-addchat.user.${user.id}`);
    channel.bind("change", (change) => onChange(change, user.id));
    channel.bind("pusher:subscription_succeeded", () => resolve(client));
    channel.bind("pusher:subscription_error", (error) => reject(new Error(JSON.stringify(error))));
  });
}

function connectOne(user) {
  if (plan.kind === "pusher") return connectPusher(user);
  return new Promise((resolve, reject) => {
    const options = {
      forceNew: true,
      reconnection: false,
      transports: ["websocket"],
      timeout: 60000,
      perMessageDeflate: OFFER_DEFLATE ? { threshold: 1024 } : false,
    };
    if (plan.kind === "addchat") options.extraHeaders = { Cookie: `session=${user.cookie}` };
    else options.query = { user: String(user.id) };
    const socket = io(plan.url, options);
    socket.on("change", (change) => onChange(change, user.id));
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function connectUpTo(n) {
  const batch = 100;
  while (sockets.length < n) {
    const next = plan.users.slice(sockets.length, Math.min(n, sockets.length + batch));
    sockets.push(...(await Promise.all(next.map(connectOne))));
  }
}

// node:http, not fetch: fetch drops the Cookie header the server needs.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function post(url, headers, payload) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(payload) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("socket", (socket) => socket.setNoDelay(true));
    req.on("error", reject);
    req.end(payload);
  });
}

let counter = 0;
const postTimes = [];
async function send(sender, recipient) {
  const body = `b${plan.kind}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const arrived = new Promise((resolve) => pending.set(body, { t0: now(), to: recipient.id, resolve }));
  const url = plan.kind !== "reference" ? `${plan.url}/addchat/api/conversations/${recipient.id}/messages` : `${plan.url}/send/${recipient.id}`;
  const headers = { "content-type": "application/json" };
  if (plan.kind !== "reference") Object.assign(headers, { Cookie: `session=${sender.cookie}`, "X-CSRFToken": sender.token });
  const t0 = now();
  const res = await post(url, headers, JSON.stringify({ body }));
  postTimes.push(now() - t0);
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${res.text}`);
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 30000));
  const ms = await Promise.race([arrived, timeout]);
  if (ms === null) pending.delete(body);
  return ms;
}

const percentile = (values, p) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const recipientFor = (i, n) => plan.users[plan.senders.length + (i % (n - plan.senders.length))];

async function measure(n) {
  // Latency: one message at a time between a sender and an idle client.
  const latencies = [];
  postTimes.length = 0;
  for (let i = 0; i < plan.messages; i++) {
    const ms = await send(plan.senders[i % plan.senders.length], recipientFor(i * 7919, n));
    if (ms !== null) latencies.push(ms);
  }
  // Throughput: every sender posts in a loop for plan.seconds; count deliveries.
  delivered = 0;
  const loaded = [];
  const end = now() + plan.seconds * 1000;
  const started = now();
  await Promise.all(
    plan.senders.map(async (sender, s) => {
      let i = s;
      while (now() < end) {
        const ms = await send(sender, recipientFor(i++ * 104729, n));
        if (ms !== null) loaded.push(ms);
      }
    }),
  );
  const elapsed = (now() - started) / 1000;
  return {
    n,
    latency_p50_ms: percentile(latencies, 50),
    latency_p99_ms: percentile(latencies, 99),
    lost: plan.messages - latencies.length,
    post_p50_ms: percentile(postTimes.slice(0, plan.messages), 50),
    delivered_per_s: delivered / elapsed,
    loaded_p50_ms: percentile(loaded, 50),
    loaded_p99_ms: percentile(loaded, 99),
  };
}

try {
  for (const n of plan.levels) {
    const t0 = now();
    await connectUpTo(n);
    out({ event: "connected", n, connect_s: (now() - t0) / 1000 });
    await go();
    out({ event: "result", ...(await measure(n)) });
  }
  // Memory given back: close every connection, let the server settle, open them again (N cycles).
  const top = plan.levels[plan.levels.length - 1];
  for (let cycle = 1; cycle <= (plan.close_cycles || 0); cycle++) {
    for (const s of sockets.splice(0)) s.disconnect();
    out({ event: "closed", cycle });
    await go();
    const t0 = now();
    await connectUpTo(top);
    out({ event: "reopened", cycle, n: top, connect_s: (now() - t0) / 1000 });
    await go();
  }
  out({ event: "done" });
} catch (err) {
  out({ event: "error", message: String(err && err.stack ? err.stack : err) });
}
for (const s of sockets) s.disconnect();
lines.close();
setTimeout(() => process.exit(0), 200);
