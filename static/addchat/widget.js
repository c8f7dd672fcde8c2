/*! AddChat widget loader. Embed with:
 *    <script src="/addchat/widget.js" defer></script>
 *  Options (data-* on that tag): data-position="right|left", data-theme="light|dark|auto",
 *  data-color="#RRGGBB", data-offset-top="64" (px the panel leaves free at the top),
 *  data-locale="en|de|fr|hi|it|ja|ru|zh-CN|ar|he", data-title="Chat", data-sound="on|off", data-notifications="on|off",
 *  data-api="…/api/", data-static="…/static/" (both default to paths next to this script).
 *  The only global is window.AddChat; calls made before the widget is ready are queued.
 *  The server writes a content hash of the widget's files into BUILD below; modules then load
 *  from static/v/<hash>/ (cached for a year, a new URL after every change to any file).
 */
(function () {
  "use strict";
  var existing = window.AddChat;
  if (existing && existing.__addchat) return; // loaded twice: keep the first one
  var script = document.currentScript;
  if (!script) {
    var tags = document.querySelectorAll("script[src*='widget.js']");
    script = tags[tags.length - 1];
  }
  var BUILD = "__ADDCHAT_BUILD__";
  var versioned = /^[0-9a-f]{8,64}$/.test(BUILD); // false when this file is served as is
  var d = (script && script.dataset) || {};
  var src = (script && script.src) || location.href;
  var options = {
    position: /^(left|right)$/.test(d.position || "") ? d.position : "", // "": the end side of the language
    theme: /^(auto|dark)$/.test(d.theme || "") ? d.theme : "light",
    color: /^#[0-9a-fA-F]{6}$/.test(d.color || "") ? d.color : "",
    offsetTop: Math.max(0, parseInt(d.offsetTop || "0", 10) || 0),
    // The first supported one wins: data-locale, then <html lang>, then the browser's languages.
    locales: [d.locale, document.documentElement.lang].concat(navigator.languages || [navigator.language]).filter(Boolean),
    title: d.title || "",
    sound: d.sound !== "off",
    notifications: d.notifications !== "off",
    apiUrl: new URL(d.api || "api/", src).href,
    staticUrl: new URL(d.static || (versioned ? "static/v/" + BUILD + "/" : "static/"), src).href,
  };

  var queue = [];
  var listeners = {};
  function stub(name) {
    return function () { queue.push([name, Array.prototype.slice.call(arguments)]); };
  }
  var api = {
    __addchat: true,
    version: "0.1.0",
    build: versioned ? BUILD : null,
    ready: false,
    open: stub("open"),
    close: stub("close"),
    toggle: stub("toggle"),
    openConversation: stub("openConversation"),
    /** Subscribe to an event: ready, open, close, message, unread, status. Returns an unsubscribe function. */
    on: function (type, fn) {
      (listeners[type] = listeners[type] || []).push(fn);
      return function () { api.off(type, fn); };
    },
    off: function (type, fn) {
      var list = listeners[type] || [];
      var i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    },
  };
  window.AddChat = api;

  function start() {
    import(options.staticUrl + "widget/main.js")
      .then(function (m) { return m.boot({ options: options, publicApi: api, listeners: listeners, queue: queue }); })
      .catch(function (err) { if (window.console) console.error("[AddChat] failed to start", err); });
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
