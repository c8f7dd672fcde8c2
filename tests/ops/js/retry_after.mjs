// Runs the widget's real api.js under Node with a stand-in fetch: which answers carry a retryAfter.
import { createApi } from "../../../static/addchat/widget/api.js";

const results = {};
for (const status of [400, 429, 500, 502, 503]) {
  globalThis.fetch = async () =>
    new Response(JSON.stringify({ error: { code: "x", message: "x" } }), {
      status,
      headers: { "Content-Type": "application/json", "Retry-After": "42" },
    });
  try {
    await createApi("http://example.test/addchat/api/").get("poll");
  } catch (error) {
    results[status] = error.retryAfter;
  }
}
process.stdout.write(JSON.stringify(results));
