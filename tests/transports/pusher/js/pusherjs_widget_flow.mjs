// Three unmodified pusher-js clients doing what the widget does: each reads its Pusher
// options and channel names from GET /addchat/api/config and authorises through
// POST /addchat/pusher/auth. Alice and Bob chat; Carol tries to listen in.
import Pusher from "pusher-js";
import { apiGet, cfg, deadline, nextLine, once, pusherOptions, say } from "./common.mjs";

deadline();
const result = {};

async function connect(user) {
  const config = await apiGet(user, "/addchat/api/config");
  const t = config.transport;
  const client = new Pusher(t.key, pusherOptions(t, user));
  return { client, t, config };
}

const pairName = (t, a, b) =>
  t.chat_channel_template.replace("{low}", Math.min(a, b)).replace("{high}", Math.max(a, b));

const alice = await connect(cfg.alice);
const bob = await connect(cfg.bob);
const carol = await connect(cfg.carol);
result.notificationType = alice.config.notification_type;
result.aliceChannel = alice.t.user_channel;

const aFeed = alice.client.subscribe(alice.t.user_channel);
const bFeed = bob.client.subscribe(bob.t.user_channel);
const aPair = alice.client.subscribe(pairName(alice.t, cfg.alice.id, cfg.bob.id));
await Promise.all([
  once(aFeed, "pusher:subscription_succeeded"),
  once(bFeed, "pusher:subscription_succeeded"),
  once(aPair, "pusher:subscription_succeeded"),
]);

// Carol may neither read Alice's feed nor join Alice and Bob's conversation.
const cFeed = carol.client.subscribe(alice.t.user_channel);
const cPair = carol.client.subscribe(pairName(carol.t, cfg.alice.id, cfg.bob.id));
const refusals = [once(cFeed, "pusher:subscription_error"), once(cPair, "pusher:subscription_error")];
const [feedRefused, pairRefused] = await Promise.all(refusals);
result.carolFeedError = feedRefused.data.error;
result.carolPairError = pairRefused.data.error;

// Presence: Alice sees Bob arrive, with the name our endpoint put in channel_data.
const bobArrives = once(aPair, "pusher:member_added");
const bPair = bob.client.subscribe(pairName(bob.t, cfg.alice.id, cfg.bob.id));
const bJoined = await once(bPair, "pusher:subscription_succeeded");
result.bobSeesMembers = Object.keys(bJoined.data.members).sort();
result.bobMe = bJoined.data.me;
result.aliceSawArrive = (await bobArrives).data;

// Messages from Flask: Python sends Alice -> Bob with Alice's socket_id, then Bob -> Alice.
const bobGets = once(bFeed, "change");
const aliceGets = once(aFeed, "change");
say({ ready: { aliceSocket: alice.client.connection.socket_id } });
await nextLine();
result.bobGot = (await bobGets).data;
result.aliceGot = (await aliceGets).data;

// Typing: a client event on the pair channel, attributed to its sender by the server.
const typing = once(aPair, "client-typing");
result.triggered = bPair.trigger("client-typing", { typing: true });
const typed = await typing;
result.typing = { data: typed.data, userId: typed.metadata && typed.metadata.user_id };

// Bob leaves: Alice's presence list drops him.
const bobLeaves = once(aPair, "pusher:member_removed");
bob.client.disconnect();
result.aliceSawLeave = (await bobLeaves).data.id;
result.membersAfter = aPair.members.count;

say({ result });
alice.client.disconnect();
carol.client.disconnect();
process.exit(0);
