// The line protocol between a pytest test and its Node client: JSON lines out, "go on" lines in.
import readline from "node:readline";

/** Tell the Python side something, one JSON object per line. */
export function say(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

const lines = readline.createInterface({ input: process.stdin });
const waiting = [];
lines.on("line", (line) => {
  const next = waiting.shift();
  if (next) next(line);
});

/** Wait for the Python side to say it has done its part. */
export function nextLine() {
  return new Promise((resolve) => waiting.push(resolve));
}

/** Resolve with the next event of that name on a pusher-js channel or connection. */
export function once(emitter, event) {
  return new Promise((resolve) => {
    const handler = (data, metadata) => {
      emitter.unbind(event, handler);
      resolve({ data, metadata });
    };
    emitter.bind(event, handler);
  });
}
