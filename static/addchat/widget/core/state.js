// The store's first state: what the widget knows before anything has loaded.

export function initialState(config, prefs) {
  return {
    me: config.user,
    isOpen: false,
    view: "contacts",
    peerId: null,
    settingsOpen: false,
    contacts: {},
    users: { [config.user.id]: config.user },
    order: [],
    contactsStatus: "loading",
    search: null,
    convs: {},
    typing: {},
    presence: {},
    connection: "connecting",
    connectionDetail: null,
    prefs,
    unreadTotal: 0,
    sendWait: null, // {until}: sends wait out a 429 until then
  };
}
