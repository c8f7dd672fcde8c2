// Shared helpers for the Node clients: config from the environment, signing, line output.
import crypto from "node:crypto";
import readline from "node:readline";

export const cfg = JSON.parse(process.env.PUSHER_TEST);

export function sign(secret, text) {
  return crypto.createHmac("sha256", secret).update(text).digest("hex");
}

// pusher-js channelAuthorization that signs like an app server would (the test holds the secret).
export function authorization(user, secret = cfg.secret) {
  return {
    customHandler: ({ socketId, channelName }, callback) => {
      if (channelName.startsWith("presence-")) {
        const channel_data = JSON.stringify({ user_id: user, user_info: { name: user } });
        const auth = `${cfg.key}:${sign(secret, `${socketId}:${channelName}:${channel_data}`)}`;
        callback(null, { auth, channel_data });
      } else {
        callback(null, { auth: `${cfg.key}:${sign(secret, `${socketId}:${channelName}`)}` });
      }
    },
  };
}

export function connectionOptions(port = cfg.port) {
  return {
    wsHost: cfg.host,
    wsPort: port,
    forceTLS: false,
    enabledTransports: ["ws"],
    cluster: "mt1",
    disableStats: true,
  };
}

export function say(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

const lines = readline.createInterface({ input: process.stdin });
const waiting = [];
lines.on("line", (line) => {
  const next = waiting.shift();
  if (next) next(line);
});

// Wait for the Python side to say it has done its part.
export function nextLine() {
  return new Promise((resolve) => waiting.push(resolve));
}

export function once(emitter, event) {
  return new Promise((resolve) => {
    const handler = (data, metadata) => {
      emitter.unbind(event, handler);
      resolve({ data, metadata });
    };
    emitter.bind(event, handler);
  });
}

export function deadline(ms = 20000) {
  setTimeout(() => {
    say({ error: "timed out" });
    process.exit(2);
  }, ms).unref();
}
