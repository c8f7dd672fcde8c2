// Reference for bench/push.py: the same workload on Node's socket.io, in a few lines.
// A client connects with ?user=ID and joins room user:ID; POST /send/ID pushes a "change"
// {seq, type, data} into that room, as AddChat does after its database commit (none here).
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] || 5100);
let seq = 0;
const http = createServer((req, res) => {
  const match = req.method === "POST" && req.url.match(/^\/send\/(\d+)$/);
  if (!match) {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  let raw = "";
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    const { body } = JSON.parse(raw || "{}");
    const change = { seq: ++seq, type: "message", data: { to_id: Number(match[1]), body } };
    io.to(`user:${match[1]}`).emit("change", change);
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(change.data));
  });
});
const io = new Server(http, { transports: ["websocket"] });
io.on("connection", (socket) => socket.join(`user:${socket.handshake.query.user}`));
http.listen(port, "127.0.0.1", () => console.log(`reference socket.io server on ${port}`));
