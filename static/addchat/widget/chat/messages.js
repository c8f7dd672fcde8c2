// Message lists: merging server and pending copies, and counting a body as the server does.

/** Messages by id (or client_id while pending), confirmed ones by id, pending ones last. */
export function mergeMessages(list, incoming) {
  const out = list.slice();
  const byId = new Map();
  const byClient = new Map();
  out.forEach((m, i) => {
    if (m.id != null) byId.set(m.id, i);
    if (m.client_id) byClient.set(m.client_id, i);
  });
  for (const m of incoming) {
    let i = m.id != null ? byId.get(m.id) : undefined;
    if (i === undefined && m.client_id) i = byClient.get(m.client_id);
    if (i === undefined) {
      out.push(m);
      i = out.length - 1;
    } else {
      const old = out[i];
      out[i] = {
        ...old,
        ...m,
        seen_at: m.seen_at || old.seen_at || null,
        deleted: Boolean(m.deleted || old.deleted),
        body: m.deleted || old.deleted ? "" : m.body,
        pending: m.pending || false,
        failed: m.failed || null,
      };
    }
    if (out[i].id != null) byId.set(out[i].id, i);
    if (out[i].client_id) byClient.set(out[i].client_id, i);
  }
  out.sort((a, b) => {
    if (a.id != null && b.id != null) return a.id - b.id;
    if (a.id != null) return -1;
    if (b.id != null) return 1;
    return (a._t || 0) - (b._t || 0);
  });
  return out;
}

/** Count a body as the server does: characters (code points), not UTF-16 units. */
export function bodyLength(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
