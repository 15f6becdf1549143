"""The decoder enforces CONTRACT.md exactly, agrees with the shipped JSON Schemas, and
never lets anything but its own errors escape."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from signals.contract.decode import MAX_RECORD_BYTES, decode
from signals.contract.events import BrandEvent, ListingEvent, OrderEvent, ReportEvent
from signals.contract.schema_files import INPUT_SCHEMAS, contract_validator
from signals.contract.timefmt import parse_rfc3339
from signals.errors import DecodeError, InvalidJson, SchemaViolation, TooLarge, UnknownSchema

VALIDATORS = {name: contract_validator(name) for name in INPUT_SCHEMAS}
PHASH = "c3a1f0e2d4b59687"
COMMON = {"event_id": "e-1", "event_time": "2026-11-27T14:03:11.250Z"}
VALID: dict[str, dict[str, Any]] = {
    "listing.v1": {
        "schema": "listing.v1", **COMMON, "action": "created", "listing_id": "l-1",
        "seller_id": "s-1", "title": "Classic flap bag", "brand_id": "b-1", "category": "bags",
        "price": 129.99, "currency": "EUR", "quantity": 3, "image_phashes": [PHASH],
        "ship_from": "CN", "seller_since": "2026-10-02T08:15:00Z",
    },
    "order.v1": {
        "schema": "order.v1", **COMMON, "order_id": "o-1", "listing_id": "l-1",
        "seller_id": "s-1", "buyer_id": "u-1", "status": "placed", "unit_price": 99.5,
        "currency": "USD", "quantity": 1, "brand_id": "b-1",
    },
    "report.v1": {
        "schema": "report.v1", **COMMON, "report_id": "r-1", "listing_id": "l-1",
        "seller_id": "s-1", "brand_id": "b-1", "reporter": "rights_owner",
        "reason": "counterfeit", "status": "filed",
    },
    "brand.v1": {
        "schema": "brand.v1", **COMMON, "brand_id": "b-1", "name": "Acme", "aliases": ["ACME"],
        "protected_terms": ["Roadrunner"], "authorized_sellers": ["s-1"],
        "reference_price": 250, "currency": "EUR", "official_image_phashes": [PHASH],
    },
}
DROP = object()  # marks a field to delete from the valid record


def record(schema: str, /, **changes: Any) -> dict[str, Any]:
    out = dict(VALID[schema])
    for name, value in changes.items():
        if value is DROP:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def ok(schema: str, /, **changes: Any) -> Any:
    return pytest.param(schema, changes, None, id=f"{schema}-ok-{_label(changes)}")


def bad(schema: str, field: str, /, **changes: Any) -> Any:
    return pytest.param(schema, changes, field, id=f"{schema}-bad-{_label(changes)}")


def _label(changes: dict[str, Any]) -> str:
    return ",".join(f"{k}={'DROP' if v is DROP else repr(v)[:24]}" for k, v in changes.items())


def _common_rules(schema: str) -> list[Any]:
    return [
        ok(schema), ok(schema, unknown_extra={"nested": [1, 2]}), ok(schema, event_id="x" * 128),
        ok(schema, event_id="😀" * 128),  # 128 code points, 512 bytes
        bad(schema, "event_id", event_id=""), bad(schema, "event_id", event_id="x" * 129),
        bad(schema, "event_id", event_id=7), bad(schema, "event_id", event_id=DROP),
        bad(schema, "event_id", event_id=None),
        ok(schema, event_time="2026-11-27T15:03:11+01:00"),
        ok(schema, event_time="2026-11-27t14:03:11.123456789z"),
        ok(schema, event_time="2024-02-29T00:00:00-05:30"),
        bad(schema, "event_time", event_time="2026-11-27T14:03:11"),  # naive
        bad(schema, "event_time", event_time="2026-11-27 14:03:11Z"),
        bad(schema, "event_time", event_time="2026-02-29T00:00:00Z"),
        bad(schema, "event_time", event_time="2026-11-27T24:00:00Z"),
        bad(schema, "event_time", event_time="2026-11-27T23:59:60Z"),
        bad(schema, "event_time", event_time="2026-11-27T14:03:11+24:00"),
        bad(schema, "event_time", event_time="2026-11-27T14:03:11Z\n"),
        bad(schema, "event_time", event_time="２０２６-11-27T14:03:11Z"),
        bad(schema, "event_time", event_time="yesterday"),
        bad(schema, "event_time", event_time=1795788191),
        bad(schema, "event_time", event_time=DROP),
    ]


RULES = [
    *(rule for schema in INPUT_SCHEMAS for rule in _common_rules(schema)),
    ok("listing.v1", action="updated"), ok("listing.v1", action="removed"),
    bad("listing.v1", "action", action="deleted"), bad("listing.v1", "action", action="Created"),
    bad("listing.v1", "action", action=DROP), bad("listing.v1", "listing_id", listing_id=""),
    bad("listing.v1", "seller_id", seller_id=DROP),
    ok("listing.v1", action="removed", title=DROP, price=DROP, currency=DROP),
    ok("listing.v1", action="removed", title=None, price=None, currency=None),
    ok("listing.v1", action="removed", price=DROP),  # currency without price is fine
    bad("listing.v1", "title", title=DROP), bad("listing.v1", "title", title=None),
    bad("listing.v1", "title", title=""), bad("listing.v1", "title", title="x" * 501),
    bad("listing.v1", "title", title=7), bad("listing.v1", "title", action="removed", title=""),
    ok("listing.v1", title="x" * 500), ok("listing.v1", title="line\u2028separator"),
    ok("listing.v1", price=10_000_000), ok("listing.v1", price=0.01), ok("listing.v1", price=5),
    bad("listing.v1", "price", price=-3), bad("listing.v1", "price", price=0),
    bad("listing.v1", "price", price=-0.0), bad("listing.v1", "price", price=10_000_000.01),
    bad("listing.v1", "price", price=True), bad("listing.v1", "price", price="10"),
    bad("listing.v1", "price", price=DROP), bad("listing.v1", "price", price=None),
    bad("listing.v1", "currency", currency=DROP), bad("listing.v1", "currency", currency=None),
    bad("listing.v1", "currency", action="removed", currency=DROP),
    bad("listing.v1", "currency", currency="eur"), bad("listing.v1", "currency", currency="EURO"),
    bad("listing.v1", "currency", currency="EU"), bad("listing.v1", "currency", currency="EUR\n"),
    ok("listing.v1", quantity=0), ok("listing.v1", quantity=None), ok("listing.v1", quantity=DROP),
    bad("listing.v1", "quantity", quantity=-1), bad("listing.v1", "quantity", quantity=2.0),
    bad("listing.v1", "quantity", quantity=True), bad("listing.v1", "quantity", quantity="3"),
    ok("listing.v1", image_phashes=[]), ok("listing.v1", image_phashes=[PHASH.upper()] * 20),
    ok("listing.v1", image_phashes=None),
    bad("listing.v1", "image_phashes", image_phashes=[PHASH] * 21),
    bad("listing.v1", "image_phashes", image_phashes=PHASH),
    bad("listing.v1", "image_phashes[1]", image_phashes=[PHASH, "xyz"]),
    bad("listing.v1", "image_phashes[0]", image_phashes=[None]),
    bad("listing.v1", "image_phashes[0]", image_phashes=[PHASH[:15]]),
    bad("listing.v1", "image_phashes[0]", image_phashes=[PHASH + "0"]),
    bad("listing.v1", "image_phashes[0]", image_phashes=["g" * 16]),
    ok("listing.v1", ship_from=None), bad("listing.v1", "ship_from", ship_from="cn"),
    bad("listing.v1", "ship_from", ship_from="CHN"), bad("listing.v1", "ship_from", ship_from="C1"),
    ok("listing.v1", seller_since=None),
    bad("listing.v1", "seller_since", seller_since="2026-10-02T08:15:00"),
    ok("listing.v1", brand_id=None), bad("listing.v1", "brand_id", brand_id=""),
    bad("listing.v1", "brand_id", brand_id="b" * 129), ok("listing.v1", category=""),
    bad("listing.v1", "category", category=5),
    ok("order.v1", status="disputed"), ok("order.v1", brand_id=None), ok("order.v1", quantity=7),
    bad("order.v1", "status", status="shipped"), bad("order.v1", "status", status=DROP),
    bad("order.v1", "quantity", quantity=0), bad("order.v1", "quantity", quantity=2.0),
    bad("order.v1", "quantity", quantity=DROP), bad("order.v1", "unit_price", unit_price=0),
    bad("order.v1", "unit_price", unit_price=DROP), bad("order.v1", "currency", currency=DROP),
    bad("order.v1", "buyer_id", buyer_id=DROP), bad("order.v1", "order_id", order_id="o" * 129),
    ok("report.v1", status="upheld"), ok("report.v1", status="rejected"),
    ok("report.v1", reporter="platform", reason="design"), ok("report.v1", brand_id=DROP),
    bad("report.v1", "reporter", reporter="police"), bad("report.v1", "reason", reason="fake"),
    bad("report.v1", "status", status="decided"), bad("report.v1", "report_id", report_id=DROP),
    ok("brand.v1", name=""), ok("brand.v1", aliases=None), ok("brand.v1", authorized_sellers=[]),
    ok("brand.v1", reference_price=None, currency=None), ok("brand.v1", reference_price=DROP),
    ok("brand.v1", official_image_phashes=[PHASH] * 25),
    bad("brand.v1", "name", name=DROP), bad("brand.v1", "name", name=5),
    bad("brand.v1", "aliases[1]", aliases=["a", 1]), bad("brand.v1", "aliases", aliases="a"),
    bad("brand.v1", "authorized_sellers[0]", authorized_sellers=[""]),
    bad("brand.v1", "currency", currency=DROP), bad("brand.v1", "currency", currency=None),
    bad("brand.v1", "reference_price", reference_price=0),
    bad("brand.v1", "official_image_phashes[0]", official_image_phashes=["G" * 16]),
]


@pytest.mark.parametrize(("schema", "changes", "field"), RULES)
def test_contract_rule(schema: str, changes: dict[str, Any], field: str | None) -> None:
    data = record(schema, **changes)
    raw = orjson.dumps(data)
    assert VALIDATORS[schema].is_valid(data) is (field is None), "schema file disagrees"
    if field is None:
        assert type(decode(raw, expected_schema=schema)).schema == schema
        return
    with pytest.raises(SchemaViolation) as caught:
        decode(raw, expected_schema=schema)
    assert caught.value.error_code == "schema_violation"
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_message_says_what_is_wrong() -> None:
    with pytest.raises(SchemaViolation) as caught:
        decode(orjson.dumps(record("listing.v1", price=-3)))
    assert str(caught.value) == "price: must be a number > 0 and <= 10000000, got -3"


def test_events_carry_parsed_times_tuples_and_normalised_hashes() -> None:
    event = decode(orjson.dumps(record("listing.v1", image_phashes=[PHASH.upper()], price=5)))
    assert isinstance(event, ListingEvent)
    assert event.ts == parse_rfc3339("2026-11-27T14:03:11.250Z") == 1795788191.25
    assert event.seller_since_ts == parse_rfc3339("2026-10-02T08:15:00Z")
    assert event.image_phashes == (PHASH,)
    assert event.price == 5.0 and type(event.price) is float
    removed = decode(orjson.dumps(record("listing.v1", action="removed", title=None,
                                         price=DROP, currency=DROP, image_phashes=DROP)))
    assert isinstance(removed, ListingEvent)
    assert (removed.title, removed.price, removed.image_phashes) == (None, None, ())
    assert isinstance(decode(orjson.dumps(VALID["order.v1"])), OrderEvent)
    assert isinstance(decode(orjson.dumps(VALID["report.v1"])), ReportEvent)
    brand = decode(orjson.dumps(VALID["brand.v1"]))
    assert isinstance(brand, BrandEvent)
    assert brand.authorized_sellers == ("s-1",) and brand.reference_price == 250.0


@pytest.mark.parametrize("schema_value", [DROP, None, 5, ["listing.v1"], "listing.v2",
                                          "alert.v1", "LISTING.V1", ""])
def test_unknown_schema(schema_value: Any) -> None:
    with pytest.raises(UnknownSchema) as caught:
        decode(orjson.dumps(record("listing.v1", schema=schema_value)))
    assert caught.value.error_code == "unknown_schema"
    assert caught.value.field == "schema"


def test_expected_schema_is_the_topics() -> None:
    raw = orjson.dumps(VALID["order.v1"])
    assert isinstance(decode(raw, expected_schema="order.v1"), OrderEvent)
    with pytest.raises(SchemaViolation) as caught:
        decode(raw, expected_schema="listing.v1")
    assert caught.value.field == "schema" and "listing.v1" in str(caught.value)


@pytest.mark.parametrize(("raw", "error"), [
    pytest.param(b"", InvalidJson, id="empty"),
    pytest.param(b"   \n", InvalidJson, id="blank"),
    pytest.param(b'{"schema": "listing.v1", "title": "\xff\xfe"}', InvalidJson, id="not-utf8"),
    pytest.param(b'{"schema": "listing.v1", "title": "\\ud800"}', InvalidJson, id="surrogate"),
    pytest.param(b'{"price": NaN}', InvalidJson, id="nan"),
    pytest.param(b'{"price": Infinity}', InvalidJson, id="infinity"),
    pytest.param(b'{"price": 1e400}', InvalidJson, id="overflows-to-infinity"),
    pytest.param(b"[" * 10_000 + b"]" * 10_000, InvalidJson, id="10000-deep-array"),
    pytest.param(b'{"a":' * 10_000 + b"1" + b"}" * 10_000, InvalidJson, id="10000-deep-object"),
    pytest.param(b"[1, 2]", InvalidJson, id="top-level-array"),
    pytest.param(b'"listing.v1"', InvalidJson, id="top-level-string"),
    pytest.param(b"null", InvalidJson, id="top-level-null"),
    pytest.param(b"{} trailing", InvalidJson, id="trailing-garbage"),
    pytest.param(b"\xef\xbb\xbf{}", InvalidJson, id="byte-order-mark"),
    pytest.param(b" " * (MAX_RECORD_BYTES + 1), TooLarge, id="over-1MiB"),
    pytest.param(b"{}", UnknownSchema, id="empty-object"),
])
def test_malformed_input_gets_a_clear_error_code(raw: bytes, error: type[DecodeError]) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(raw)
    assert type(caught.value) is error
    assert caught.value.error_code == error.error_code


def test_size_limit_is_checked_before_parsing_and_exactly_1_MiB_is_allowed() -> None:
    padding = "x" * (MAX_RECORD_BYTES - len(orjson.dumps(VALID["order.v1"])) - len(',"pad":""'))
    at_limit = orjson.dumps(record("order.v1", pad=padding))
    assert len(at_limit) == MAX_RECORD_BYTES
    assert isinstance(decode(at_limit), OrderEvent)
    with pytest.raises(TooLarge):
        decode(b"[" * (MAX_RECORD_BYTES + 1))  # would be invalid_json if parsed first


def test_integers_beyond_64_bits_are_rejected_as_documented() -> None:
    raw = orjson.dumps(record("listing.v1", quantity=1)).replace(
        b'"quantity":1', b'"quantity":18446744073709551616')
    with pytest.raises(SchemaViolation) as caught:
        decode(raw)
    assert caught.value.field == "quantity"
    largest = orjson.dumps(record("listing.v1", quantity=2**64 - 1))
    assert decode(largest).quantity == 2**64 - 1  # type: ignore[union-attr]


def test_line_and_paragraph_separators_inside_strings_are_fine() -> None:
    raw = orjson.dumps(record("listing.v1", title="a\u2028b\u0085c\u2029d"))
    assert b"\n" not in raw
    event = decode(raw)
    assert isinstance(event, ListingEvent) and event.title == "a\u2028b\u0085c\u2029d"


# --- property tests: decode accepts exactly what the JSON Schemas accept ------------------

ids = st.text(min_size=1, max_size=130)
fraction = st.integers(0, 12).map(lambda k: "" if k == 0 else "." + "7" * k)
offset = st.one_of(st.sampled_from(["Z", "z"]), st.builds(
    lambda sign, h, m: f"{sign}{h:02d}:{m:02d}", st.sampled_from("+-"), st.integers(0, 23),
    st.integers(0, 59)))
times = st.builds(
    lambda moment, frac, sep, off: f"{moment.year:04d}-{moment:%m-%d}{sep}{moment:%H:%M:%S}"
    + frac + off,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    fraction, st.sampled_from("Tt"), offset,
)
money = st.one_of(st.floats(0, 1e7, exclude_min=True), st.integers(1, 10**7))
phashes = st.from_regex(r"[0-9a-fA-F]{16}", fullmatch=True)
codes = st.sampled_from(["EUR", "USD", "JPY"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                               max_size=3),
    max_leaves=6,
)
ENUM_WORDS = ["created", "updated", "removed", "Removed", "placed", "cancelled", "disputed",
              "shipped", "filed", "upheld", "rejected", "rights_owner", "buyer", "platform",
              "police", "counterfeit", "design", "other", ""]
# Boundary values per kind of field: a mutation mostly picks from its field's list, so
# that every limit (128, 500, 20, 1e7, 0, 2.0 ...) is hit often, on both sides.
BOUNDARY: dict[str, list[Any]] = {
    "id": ["", "x", "x" * 128, "😀" * 128, "x" * 129, "😀" * 129, 7, True],
    "time": ["2026-11-27T14:03:11.250Z", "2026-11-27t14:03:11z", "2024-02-29T23:59:59+23:59",
             "2026-11-27T14:03:11", "2026-02-29T00:00:00Z", "2026-11-27T24:00:00Z",
             "2026-11-27T23:59:60Z", "2026-11-27T14:03:11+01:60", "0000-01-01T00:00:00Z",
             "2026-11-27T14:03:11.Z", "2026-11-27T14:03:11Z\n", "2026-11-27 14:03:11Z", 0],
    "money": [0, -0.0, 5e-324, 0.01, 1, 1e7, 10_000_000.000001, 10**7 + 1, -3, True, "5"],
    "currency": ["EUR", "eur", "EU", "EURO", "EUR\n", "€UR", 978],
    "country": ["DE", "de", "DEU", "D", "DE\n", 49],
    "count": [-1, 0, 1, 2, 2.0, 0.0, 1.5, True, False, "1", 2**63 - 1],
    "title": ["", " ", "x", "x" * 500, "😀" * 500, "x" * 501, 5],
    "enum": ENUM_WORDS,
    "phashes": [[], [PHASH] * 20, [PHASH] * 21, [PHASH.upper()], [PHASH[:15]], [PHASH + "\n"],
                ["g" * 16], [None], PHASH],
    "strings": [[], [""], ["a", 1], "a", [None], [["a"]]],
    "ids": [[], [""], ["x" * 128], ["x" * 129], ["s-1", 1]],
    "string": ["", "x", 5, True, [], {}],
    "schema": [*INPUT_SCHEMAS, "alert.v1", "listing.v2", 5],
}
KIND = {
    "schema": "schema", "event_time": "time", "seller_since": "time", "title": "title",
    "price": "money", "unit_price": "money", "reference_price": "money",
    "currency": "currency", "ship_from": "country", "quantity": "count",
    "action": "enum", "status": "enum", "reporter": "enum", "reason": "enum",
    "image_phashes": "phashes", "official_image_phashes": "phashes",
    "aliases": "strings", "protected_terms": "strings", "authorized_sellers": "ids",
    "category": "string", "name": "string",
}
FIELDS = {name: [*VALID[name], "unknown_extra"] for name in INPUT_SCHEMAS}


def mutation_values(field: str) -> st.SearchStrategy[Any]:
    pool = BOUNDARY[KIND.get(field, "id")]
    boundary = st.sampled_from(pool)
    return st.one_of(boundary, boundary, boundary, st.none(), json_values, times)




def _strategy(schema: str) -> st.SearchStrategy[dict[str, Any]]:
    common = {"schema": st.just(schema), "event_id": ids, "event_time": times}
    maybe_id = st.none() | ids
    if schema == "listing.v1":
        return st.fixed_dictionaries(
            {**common, "action": st.sampled_from(["created", "updated", "removed"]),
             "listing_id": ids, "seller_id": ids},
            optional={"title": st.text(min_size=1, max_size=501), "brand_id": maybe_id,
                      "category": st.text(), "price": money, "currency": codes,
                      "quantity": st.integers(0, 10**6),
                      "image_phashes": st.lists(phashes, max_size=21), "ship_from": st.just("DE"),
                      "seller_since": times})
    if schema == "order.v1":
        return st.fixed_dictionaries(
            {**common, "order_id": ids, "listing_id": ids, "seller_id": ids, "buyer_id": ids,
             "status": st.sampled_from(["placed", "refunded", "returned"]), "unit_price": money,
             "currency": codes, "quantity": st.integers(1, 10**6)},
            optional={"brand_id": maybe_id})
    if schema == "report.v1":
        return st.fixed_dictionaries(
            {**common, "report_id": ids, "listing_id": ids, "seller_id": ids,
             "reporter": st.sampled_from(["rights_owner", "buyer", "platform"]),
             "reason": st.sampled_from(["counterfeit", "other"]),
             "status": st.sampled_from(["filed", "upheld", "rejected"])},
            optional={"brand_id": maybe_id})
    return st.fixed_dictionaries(
        {**common, "brand_id": ids, "name": st.text()},
        optional={"aliases": st.lists(st.text()), "protected_terms": st.lists(st.text()),
                  "authorized_sellers": st.lists(ids, max_size=3), "reference_price": money,
                  "currency": codes, "official_image_phashes": st.lists(phashes, max_size=3)})


@st.composite
def mutated(draw: st.DrawFn, schema: str) -> dict[str, Any]:
    data = draw(_strategy(schema))
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(FIELDS[schema]))
        if name in data and draw(st.integers(0, 3)) == 0:
            del data[name]
        else:
            data[name] = draw(mutation_values(name))
    return data


def _accepts(raw: bytes, schema: str | None) -> bool:
    try:
        decode(raw, expected_schema=schema)
    except DecodeError:
        return False
    return True


SINGLE_FIELD_MUTATIONS = [
    pytest.param(schema, name, value, id=f"{schema}-{name}-{index}")
    for schema in INPUT_SCHEMAS
    for name in FIELDS[schema]
    for index, value in enumerate([DROP, None, *BOUNDARY[KIND.get(name, "id")]])
]


@pytest.mark.parametrize(("schema", "name", "value"), SINGLE_FIELD_MUTATIONS)
@pytest.mark.parametrize("action", ["created", "removed"])
def test_every_boundary_of_every_field_agrees_with_the_schema(
    schema: str, name: str, value: Any, action: str
) -> None:
    data = record(schema, **{name: value})
    if schema == "listing.v1" and name != "action":
        data["action"] = action  # title and price are only required unless removed
    assert _accepts(orjson.dumps(data), schema) is VALIDATORS[schema].is_valid(data)


@pytest.mark.parametrize("schema", INPUT_SCHEMAS)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_decode_accepts_exactly_what_the_schema_accepts(schema: str, data: st.DataObject) -> None:
    on_the_wire = orjson.loads(orjson.dumps(data.draw(mutated(schema))))
    raw = orjson.dumps(on_the_wire)
    accepted = _accepts(raw, schema)
    event("accepted" if accepted else "rejected")
    assert accepted is VALIDATORS[schema].is_valid(on_the_wire)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_json_only_ever_raises_decode_errors(value: Any) -> None:
    try:
        decode(orjson.dumps(value))
    except DecodeError as err:
        assert err.error_code in {"invalid_json", "unknown_schema", "schema_violation"}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_only_ever_raise_decode_errors(raw: bytes) -> None:
    with contextlib.suppress(DecodeError):
        decode(raw)
