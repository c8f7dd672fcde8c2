// The public window.AddChat API: events out to the host page, and the loader's queueing stubs
// replaced by the real actions once the widget is ready.

/** emit(type, detail) to the host page's listeners; one failing listener does not stop the rest. */
export function createEmitter(listeners) {
  return (type, detail) => {
    for (const fn of (listeners[type] || []).slice()) {
      try {
        fn(detail);
      } catch (err) {
        console.error("[AddChat] listener failed", err);
      }
    }
  };
}

export function exposeApi(w, publicApi) {
  const { actions, store } = w;
  Object.assign(publicApi, {
    ready: true,
    open: () => actions.open({ viaUser: true }),
    close: () => actions.close(),
    toggle: () => actions.toggle({ viaUser: true }),
    openConversation: (userId) => actions.openConversation(userId),
    unreadCount: () => store.get().unreadTotal,
  });
}

/** Run the calls the host page made before the widget was ready. */
export function runQueued(publicApi, queue) {
  for (const [name, args] of queue.splice(0)) {
    if (typeof publicApi[name] === "function") publicApi[name](...args);
  }
}
