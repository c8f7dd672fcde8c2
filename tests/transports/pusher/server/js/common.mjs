// Shared helpers for the Node clients: config from the environment, signing, line output.
import crypto from "node:crypto";
import { say } from "../../../../js/lines.mjs";

export { nextLine, once, say } from "../../../../js/lines.mjs";

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

export function deadline(ms = 20000) {
  setTimeout(() => {
    say({ error: "timed out" });
    process.exit(2);
  }, ms).unref();
}
