"""Property tests of every parser of ids, cursors and bodies (addchat/api/parse.py)."""

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound

from addchat import create_app
from addchat.api.parse import (
    MAX_ID,
    MAX_JSON_DEPTH,
    MAX_PATH_ID,
    SOCKET_ID_RE,
    parse_int,
    parse_json_object,
)
from addchat.services.errors import InvalidInput
from addchat.transports.pusher.auth import checked_socket_id

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Characters Python's int() or \d take as digits although they are not ASCII.
UNICODE_DIGITS = st.characters(categories=["Nd", "No"]).filter(lambda c: c not in string.digits)


@FAST
@given(st.integers(min_value=0, max_value=MAX_ID))
def test_parse_int_round_trips_ascii_decimals(number):
    assert parse_int(str(number), "cursor") == number


@FAST
@given(st.text(max_size=30))
def test_parse_int_accepts_exactly_ascii_decimals_in_range(raw):
    try:
        value = parse_int(raw, "cursor")
    except InvalidInput as refused:
        assert refused.code == "invalid_cursor" and refused.status == 400
        return
    assert raw.isascii() and raw.lstrip("-").isdigit()
    assert value == int(raw) and 0 <= value <= MAX_ID


@FAST
@given(st.text(alphabet=string.digits, min_size=1, max_size=5), UNICODE_DIGITS, st.integers(0, 5))
def test_parse_int_refuses_any_non_ascii_digit(digits, odd, where):
    raw = digits[:where] + odd + digits[where:]
    with pytest.raises(InvalidInput):
        parse_int(raw, "cursor")


@FAST
@given(st.integers(min_value=MAX_ID + 1, max_value=10**19 - 1))
def test_parse_int_refuses_above_the_bound(number):
    with pytest.raises(InvalidInput):
        parse_int(str(number), "before", minimum=1)


JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3),
    max_leaves=20,
)


@FAST
@given(st.dictionaries(st.text(), JSON_VALUES, max_size=5))
def test_parse_json_object_round_trips_objects(data):
    raw = json.dumps(data).encode()
    assert parse_json_object(raw) == json.loads(raw)


@FAST
@given(st.binary(max_size=200))
def test_parse_json_object_never_fails_but_with_invalid_input(raw):
    try:
        data = parse_json_object(raw)
    except InvalidInput as refused:
        assert refused.status == 400 and refused.code == "invalid_json"
        return
    assert isinstance(data, dict)
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # valid Unicode throughout


@FAST
@given(st.integers(min_value=MAX_JSON_DEPTH, max_value=5000), st.sampled_from(["[", '{"a":']))
def test_parse_json_object_refuses_deep_nesting(depth, opener):
    closer = "]" if opener == "[" else "}"
    raw = '{"x":' + opener * depth + "1" + closer * depth + "}"
    with pytest.raises(InvalidInput):
        parse_json_object(raw.encode())


@FAST
@given(st.integers(min_value=0xD800, max_value=0xDFFF), st.sampled_from(["key", "value", "nested"]))
def test_parse_json_object_refuses_lone_surrogates(code, where):
    escape = f"\\u{code:04x}"
    raw = {
        "key": f'{{"{escape}": 1}}',
        "value": f'{{"body": "a{escape}b"}}',
        "nested": f'{{"a": [{{"b": "{escape}"}}]}}',
    }[where]
    with pytest.raises(InvalidInput):
        parse_json_object(raw.encode())


@FAST
@given(st.integers(1, 10**20), st.integers(1, 10**20))
def test_socket_id_accepts_two_ascii_numbers(left, right):
    value = f"{left}.{right}"
    expected = len(str(left)) <= 20 and len(str(right)) <= 20
    assert bool(SOCKET_ID_RE.match(value)) is expected
    assert (checked_socket_id(value) == value) is expected


@FAST
@given(st.text(max_size=45))
def test_socket_id_is_only_ascii_digits_and_one_dot(value):
    if checked_socket_id(value) is not None:
        left, right = value.split(".")
        assert left.isascii() and right.isascii() and left.isdigit() and right.isdigit()
        assert value == value.strip()


@pytest.mark.parametrize("value", ["１.２", "๓.๓", "1.𝟘", "1.2\n", " 1.2"])
def test_socket_id_refuses_unicode_digits_and_spaces(value):
    assert checked_socket_id(value) is None


@pytest.fixture(scope="module")
def urls():
    """The API's URL map, bound as a request would see it."""
    return create_app({"TESTING": True}).url_map.bind("localhost")


def _match(urls, path, method):
    """Return the view arguments a path matches, or None when no route takes it."""
    try:
        return urls.match(path, method=method)[1]
    except (NotFound, MethodNotAllowed):
        return None


@FAST
@given(st.integers(min_value=-(10**25), max_value=10**25), st.sampled_from(["GET", "POST"]))
def test_path_ids_match_only_in_range(urls, number, method):
    matched = _match(urls, f"/addchat/api/conversations/{number}/messages", method)
    if 1 <= number <= MAX_PATH_ID:
        assert matched == {"user_id": number}
    else:
        assert matched is None


@FAST
@given(st.text(alphabet=string.digits, min_size=1, max_size=4), UNICODE_DIGITS)
def test_path_ids_refuse_non_ascii_digits(urls, digits, odd):
    assert _match(urls, f"/addchat/api/messages/{digits}{odd}", "DELETE") is None
    assert _match(urls, f"/addchat/api/conversations/{odd}{digits}/seen", "POST") is None
