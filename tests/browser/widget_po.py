"""A small page object for the widget (Playwright CSS locators pierce its open shadow root).

Note for page.wait_for_function under the demo's strict CSP: pass an arrow function
("() => …"); a bare expression is re-evaluated with eval() while polling and is blocked.
"""

from playwright.sync_api import Page, expect


class Widget:
    def __init__(self, page: Page):
        self.page = page
        self.host = page.locator("addchat-widget")
        self.launcher = page.locator("addchat-widget .launcher")
        self.badge = page.locator("addchat-widget .launcher .badge")
        self.panel = page.locator("addchat-widget .panel")
        self.title = page.locator("addchat-widget .panel .title")
        self.search = page.locator("addchat-widget .search-input")
        self.contacts = page.locator("addchat-widget .contact")
        self.messages = page.locator("addchat-widget .messages .msg")
        self.bodies = page.locator("addchat-widget .messages .msg .body")
        self.composer = page.locator("addchat-widget textarea.input")
        self.log = page.locator("addchat-widget .log")
        self.banner = page.locator("addchat-widget .banner")

    def open(self):
        self.launcher.click()
        expect(self.panel).to_be_visible()
        self.settle()

    def settle(self):
        """Wait for the panel's opening animation to end (before measuring it)."""
        self.panel.evaluate("el => Promise.all(el.getAnimations().map((a) => a.finished))")

    def contact(self, name):
        return self.page.locator("addchat-widget .contact", has_text=name)

    def open_conversation(self, name):
        self.contact(name).click()
        expect(self.title).to_have_text(name)
        expect(self.composer).to_be_visible()

    def send(self, text):
        self.composer.fill(text)
        self.composer.press("Enter")

    def message(self, text):
        return self.page.locator(
            "addchat-widget .messages .msg", has=self.page.locator(".body", has_text=text)
        )

    def ticks_of(self, text):
        return self.message(text).locator(".ticks")

    def active_element(self):
        """Describe what has focus, looking inside the shadow root."""
        return self.page.evaluate(
            """() => {
                let el = document.activeElement;
                while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                if (!el) return null;
                return {tag: el.tagName.toLowerCase(), cls: el.className && el.className.baseVal === undefined ? el.className : '',
                        label: el.getAttribute('aria-label') || '', text: (el.textContent || '').trim().slice(0, 60),
                        inWidget: !!(el.getRootNode && el.getRootNode().host)};
            }"""
        )
