"""Cache busting: widget.js carries a content version, modules are served under it for a year."""

import re
import shutil

from addchat.widget import STATIC_DIR, content_version


def _loader(client):
    """Fetch /addchat/widget.js and the version written into it."""
    response = client.get("/addchat/widget.js")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    match = re.search(r'var BUILD = "([0-9a-f]+)";', text)
    assert match, "the loader carries a content version"
    return response, text, match.group(1)


def test_widget_js_has_the_content_version_and_a_short_cache(app):
    client = app.test_client()
    response, text, version = _loader(client)
    assert version == content_version()
    assert "__ADDCHAT_BUILD__" not in text
    assert response.mimetype == "text/javascript"
    assert response.cache_control.max_age == 300
    assert response.cache_control.public
    again = client.get("/addchat/widget.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_versioned_modules_nested_and_vendor_are_cached_for_a_year(app):
    client = app.test_client()
    version = _loader(client)[2]
    for path in [
        "widget/main.js",
        "widget/transports/internal.js",
        "widget/views/conversation.js",
        "widget/widget.css",
    ]:
        response = client.get(f"/addchat/static/v/{version}/{path}")
        assert response.status_code == 200, path
        assert response.get_data() == (STATIC_DIR / path).read_bytes()
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable and response.cache_control.public
    vendor = client.get(f"/addchat/static/v/{version}/vendor/socket.io.esm.min.js")
    assert vendor.status_code == 200 and vendor.cache_control.immutable
    assert client.get(f"/addchat/static/v/{version}/vendor/nope.js").status_code == 404
    assert client.get(f"/addchat/static/v/{version}/widget/nope.js").status_code == 404
    assert client.get(f"/addchat/static/v/{version}/../../config.py").status_code == 404


def test_a_stale_version_redirects_to_the_current_one_uncached(app):
    client = app.test_client()
    version = _loader(client)[2]
    response = client.get("/addchat/static/v/0123456789ab/widget/chat.js")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/addchat/static/v/{version}/widget/chat.js")
    assert response.cache_control.no_store


def test_content_version_changes_when_any_widget_file_changes(tmp_path):
    static = tmp_path / "addchat"
    shutil.copytree(STATIC_DIR, static)
    base = content_version(static)
    assert re.fullmatch(r"[0-9a-f]{12}", base)
    assert content_version(static) == base, "same bytes, same version"
    assert content_version(STATIC_DIR) == base, "the copy hashes like the original"

    nested = static / "widget" / "transports" / "internal.js"
    nested.write_text(nested.read_text() + "\n// changed\n")
    changed = content_version(static)
    assert changed != base
    (static / "widget" / "extra.js").write_text("")
    newer = content_version(static)
    assert newer != changed, "a new file changes it"
    vendor = static / "vendor" / "pusher.min.js"
    vendor.write_text(vendor.read_text() + "\n")
    assert content_version(static) not in (base, changed, newer), "a vendor upgrade changes it"
