// Helpers for Node clients that sign in to AddChat like a browser: the session cookie and
// CSRF token come from the test, the Pusher options from GET /addchat/api/config.
import { say } from "../../../js/lines.mjs";

export { nextLine, once, say } from "../../../js/lines.mjs";

export const cfg = JSON.parse(process.env.ADDCHAT_TEST);

/** GET an AddChat API path as a signed-in user. */
export async function apiGet(user, path) {
  const res = await fetch(new URL(path, cfg.url), { headers: { Cookie: user.cookie, Accept: "application/json" } });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

/**
 * pusher-js channelAuthorization posting the same form pusher-js's own ajax authorizer sends
 * (socket_id, channel_name) to OUR endpoint. Node's XMLHttpRequest shim forbids a Cookie
 * header, so the request goes through fetch; the browser tests use pusher-js's own ajax.
 */
export function authorization(user, endpoint) {
  return {
    customHandler: async ({ socketId, channelName }, callback) => {
      try {
        const res = await fetch(new URL(endpoint, cfg.url), {
          method: "POST",
          headers: {
            Cookie: user.cookie,
            "X-CSRFToken": user.csrf,
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({ socket_id: socketId, channel_name: channelName }),
        });
        if (!res.ok) {
          // pusher-js reports a custom handler's error by its message only.
          const body = await res.json().catch(() => ({}));
          callback(new Error(`HTTP ${res.status} ${(body.error && body.error.code) || ""}`), null);
          return;
        }
        callback(null, await res.json());
      } catch (err) {
        callback(err, null);
      }
    },
  };
}

/** The pusher-js options the widget builds from config.transport. */
export function pusherOptions(transport, user) {
  const options = {
    cluster: transport.cluster,
    forceTLS: transport.force_tls,
    channelAuthorization: authorization(user, transport.auth_endpoint),
    disableStats: true,
  };
  if (transport.ws_host) {
    Object.assign(options, {
      wsHost: transport.ws_host,
      wsPort: transport.ws_port,
      wssPort: transport.ws_port,
      enabledTransports: ["ws", "wss"],
    });
  }
  return options;
}

export function deadline(ms = 25000) {
  setTimeout(() => {
    say({ error: "timed out", at: globalThis.step });
    process.exit(2);
  }, ms).unref();
}
