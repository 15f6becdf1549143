"""The brand registry: latest record per brand, authorization, terms and official images."""

from __future__ import annotations

from signals.contract.events import BrandEvent
from signals.registry import IMAGE_MATCH_DISTANCE, Registry

IMAGE = "00000000000000ff"


def _brand(event_id: str, ts: float, **kw: object) -> BrandEvent:
    fields: dict[str, object] = {"brand_id": "b1", "name": "Velmora", **kw}
    return BrandEvent(event_id, "t", ts, **fields)  # type: ignore[arg-type]


def _flip(phash: str, bits: int) -> str:
    return f"{int(phash, 16) ^ ((1 << bits) - 1):016x}"


def test_a_late_older_record_does_not_replace_a_newer_one() -> None:
    reg = Registry()
    reg.upsert(_brand("e2", 20.0, reference_price=200.0))
    reg.upsert(_brand("e1", 10.0, reference_price=100.0))
    brand = reg.brand("b1")
    assert brand is not None and brand.reference_price == 200.0
    assert reg.version == 1 and len(reg) == 1 and "b1" in reg and "b2" not in reg


def test_a_new_record_replaces_the_brand_s_images_and_terms() -> None:
    reg = Registry.from_brands([_brand("e1", 1.0, official_image_phashes=(IMAGE,),
                                       aliases=("Velmo",))])
    assert [m.brand_id for m in reg.official_images((IMAGE,))] == ["b1"]
    assert {m.term for m in reg.match_title("genuine Velmo bag")} == {"Velmo"}
    terms = reg.terms_version
    reg.upsert(_brand("e2", 2.0, official_image_phashes=()))
    assert reg.official_images((IMAGE,)) == []
    assert reg.match_title("genuine Velmo bag") == []
    assert reg.terms_version != terms


def test_a_price_change_keeps_the_terms_version() -> None:
    reg = Registry.from_brands([_brand("e1", 1.0, reference_price=10.0)])
    terms, version = reg.terms_version, reg.version
    reg.upsert(_brand("e2", 2.0, reference_price=12.0))
    assert reg.terms_version == terms and reg.version == version + 1


def test_official_images_match_up_to_the_distance_and_report_the_closest() -> None:
    reg = Registry.from_brands([
        # a second official image 2 bits off in the high bits: never the closest here
        _brand("e1", 1.0, official_image_phashes=(IMAGE, f"{int(IMAGE, 16) ^ 3 << 62:016x}")),
        BrandEvent("e2", "t", 1.0, "b2", "Other", official_image_phashes=("f" * 16,))])
    near, far = _flip(IMAGE, IMAGE_MATCH_DISTANCE), _flip(IMAGE, IMAGE_MATCH_DISTANCE + 1)
    matches = reg.official_images((IMAGE, near, far))
    assert [(m.brand_id, m.phash, m.distance) for m in matches] == sorted([
        ("b1", IMAGE, 0), ("b1", near, IMAGE_MATCH_DISTANCE)])
    assert [m.distance for m in reg.official_images((near,), max_distance=5)] == []


def test_authorization_is_unknown_without_a_list() -> None:
    reg = Registry.from_brands([_brand("e1", 1.0, authorized_sellers=("s1",)),
                                BrandEvent("e2", "t", 1.0, "b2", "Plain")])
    assert reg.is_authorized("b1", "s1") is True
    assert reg.is_authorized("b1", "s2") is False
    assert reg.is_authorized("b2", "s1") is None
    assert [b.brand_id for b in reg.brands()] == ["b1", "b2"]
