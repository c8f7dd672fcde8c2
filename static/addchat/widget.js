// Placeholder until the widget lands: proves the script tag loads under the strict CSP.
document.documentElement.dataset.addchat = "loaded";
