// Three pusher-js clients: alice and bob (correct signatures) and mallory (forged secret).
import Pusher from "pusher-js";
import { authorization, cfg, connectionOptions, deadline, nextLine, once, say } from "./common.mjs";

deadline();
const make = (user, secret, port) =>
  new Pusher(cfg.key, { ...connectionOptions(port), channelAuthorization: authorization(user, secret) });
const alice = make("alice");
// with two instances (cfg.port2) bob talks to the other one
const bob = make("bob", cfg.secret, cfg.port2 || cfg.port);
const mallory = make("mallory", "forged-secret");
const result = {};

const aPresence = alice.subscribe("presence-room");
const aJoined = await once(aPresence, "pusher:subscription_succeeded");
result.aliceFirstCount = aJoined.data.count;
const bobAdded = once(aPresence, "pusher:member_added");
const bPresence = bob.subscribe("presence-room");
const bJoined = await once(bPresence, "pusher:subscription_succeeded");
result.bobSees = { count: bJoined.data.count, me: bJoined.data.me.id };
result.aliceSawAdded = (await bobAdded).data.id;

const aPrivate = alice.subscribe("private-chat");
const bPrivate = bob.subscribe("private-chat");
await Promise.all([
  once(aPrivate, "pusher:subscription_succeeded"),
  once(bPrivate, "pusher:subscription_succeeded"),
]);
const mPrivate = mallory.subscribe("private-chat");
result.malloryError = (await once(mPrivate, "pusher:subscription_error")).data;
const mMarker = mallory.subscribe("marker");
await once(mMarker, "pusher:subscription_succeeded");
let malloryGotNews = false;
mPrivate.bind("server-news", () => {
  malloryGotNews = true;
});

const aliceNews = once(aPrivate, "server-news");
const bobNews = once(bPrivate, "server-news");
const markerSeen = once(mMarker, "done");
say({ ready: alice.connection.socket_id });
await nextLine();
result.aliceNews = (await aliceNews).data;
result.bobNews = (await bobNews).data;
await markerSeen;
result.malloryGotNews = malloryGotNews;

// client events: delivered to bob, never echoed to alice
let aliceEcho = false;
aPrivate.bind("client-hi", () => {
  aliceEcho = true;
});
const bobHi = once(bPrivate, "client-hi");
const aliceAck = once(aPrivate, "client-ack");
result.triggered = aPrivate.trigger("client-hi", { from: "alice" });
result.bobHi = (await bobHi).data;
bPrivate.trigger("client-ack", { ok: true });
await aliceAck;
result.aliceEcho = aliceEcho;

const wave = once(aPresence, "client-wave");
bPresence.trigger("client-wave", { hand: "right" });
const waved = await wave;
result.wave = { data: waved.data, userId: waved.metadata && waved.metadata.user_id };

const removed = once(aPresence, "pusher:member_removed");
bob.disconnect();
result.aliceSawRemoved = (await removed).data.id;
result.aliceCountAfter = aPresence.members.count;

say({ result });
alice.disconnect();
mallory.disconnect();
process.exit(0);
