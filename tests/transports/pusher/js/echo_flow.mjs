// Laravel Echo (pusher broadcaster) as a Laravel front end would use it, against AddChat:
// Echo.private / Echo.join / whisper, authorising through POST /addchat/pusher/auth.
import Echo from "laravel-echo";
import Pusher from "pusher-js";
import { apiGet, cfg, deadline, nextLine, pusherOptions, say } from "./common.mjs";

deadline();
const result = {};

async function echoFor(user) {
  const t = (await apiGet(user, "/addchat/api/config")).transport;
  return { echo: new Echo({ broadcaster: "pusher", key: t.key, Pusher, ...pusherOptions(t, user) }), t };
}

// Echo adds the private-/presence- prefixes itself.
const strip = (name) => name.replace(/^(private|presence)-/, "");
const subscribed = (channel) => new Promise((resolve) => channel.subscribed(resolve));

const ann = await echoFor(cfg.alice);
const ben = await echoFor(cfg.bob);
const eve = await echoFor(cfg.carol);
const pair = strip(ann.t.chat_channel_template)
  .replace("{low}", Math.min(cfg.alice.id, cfg.bob.id))
  .replace("{high}", Math.max(cfg.alice.id, cfg.bob.id));

const feed = ann.echo.private(strip(ann.t.user_channel));
const change = new Promise((resolve) => feed.listen(".change", resolve));
const room = ann.echo.join(pair);
const here = new Promise((resolve) => room.here(resolve));
const joining = new Promise((resolve) => room.joining(resolve));
const whisper = new Promise((resolve) => room.listenForWhisper("typing", resolve));
await subscribed(feed);
result.here = (await here).map((member) => member.name);

const refused = new Promise((resolve) => eve.echo.private(strip(ann.t.user_channel)).error(resolve));
result.eveRefused = (await refused).error;

say({ ready: true });
await nextLine();
result.change = await change;

const benRoom = ben.echo.join(pair);
await new Promise((resolve) => benRoom.here(resolve));
result.joining = (await joining).name;
benRoom.whisper("typing", { typing: true });
result.whisper = await whisper;

say({ result });
for (const client of [ann, ben, eve]) client.echo.disconnect();
process.exit(0);
