// Laravel Echo (pusher broadcaster, pusher-js client) against the built-in server.
import Echo from "laravel-echo";
import Pusher from "pusher-js";
import { authorization, cfg, connectionOptions, deadline, nextLine, say } from "./common.mjs";

deadline();
const make = (user) =>
  new Echo({
    broadcaster: "pusher",
    key: cfg.key,
    Pusher,
    ...connectionOptions(),
    channelAuthorization: authorization(user),
  });
const ann = make("ann");
const ben = make("ben");
const result = {};
const subscribed = (channel) => new Promise((resolve) => channel.subscribed(resolve));

const shipped = new Promise((resolve) => {
  const orders = ann.channel("orders").listen("OrderShipped", resolve);
  subscribed(orders).then(() => (result.publicReady = true));
});
const status = new Promise((resolve) => ann.private("orders.1").listen(".status-changed", resolve));
const whisper = new Promise((resolve) => ann.private("orders.1").listenForWhisper("typing", resolve));
const joining = new Promise((resolve) => {
  ann
    .join("room")
    .here((users) => (result.annHere = users.map((u) => u.name)))
    .joining(resolve);
});
await Promise.all([subscribed(ann.channel("orders")), subscribed(ann.private("orders.1"))]);
say({ ready: true });
await nextLine();
result.shipped = await shipped;
result.status = await status;

const benRoom = ben.join("room");
await new Promise((resolve) => benRoom.here(resolve));
result.joining = (await joining).name;
const benPrivate = ben.private("orders.1");
await subscribed(benPrivate);
benPrivate.whisper("typing", { name: "ben" });
result.whisper = await whisper;

say({ result });
ann.disconnect();
ben.disconnect();
process.exit(0);
