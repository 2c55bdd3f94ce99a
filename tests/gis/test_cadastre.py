"""宗地代码 (TD/T 1001-2012) and 不动产单元代码 (GB/T 37346-2019) read part by part, and malformed
values refused naming the position and what belongs there; the key transforms of mapping files."""

import dataclasses

import pytest

from gis import cadastre
from gis.cadastre import CadastralCode, Malformed, parse
from gis.errors import InvalidInput
from gis.io import keys
from gis.labels import message

PARCEL = "320681001002GB00017"


def test_a_parcel_code_in_its_parts():
    code = parse(PARCEL)

    assert code == CadastralCode("320681", "001", "002", "GB", "00017", None)
    assert code.parcel == PARCEL and str(code) == PARCEL
    with pytest.raises(dataclasses.FrozenInstanceError):
        code.county = "320682"  # type: ignore[misc]


@pytest.mark.parametrize("unit", ["W00000000", "F00010001", "L00000001", "Q00020003"])
def test_a_real_estate_unit_code_is_the_parcel_code_and_its_fixture_unit(unit):
    code = parse(PARCEL + unit)

    assert code.parcel == PARCEL and code.unit == unit and str(code) == PARCEL + unit
    assert (code.district, code.subdistrict, code.feature, code.sequence) == ("001", "002", "GB", "00017")


@pytest.mark.parametrize("feature", ["GA", "JB", "ZS", "GX", "GC", "GD", "GE", "GW", "GY"])
def test_every_feature_code_of_the_standard_is_read(feature):
    assert parse(f"320681001002{feature}00017").feature == feature


def test_full_width_characters_and_spaces_around_are_read_as_half_width():
    assert str(parse(" ３２０６８１００１００２ＧＢ００017 ")) == PARCEL


@pytest.mark.parametrize(
    ("value", "position", "part", "expected"),
    [
        ("32068A001002GB00017", 6, "county code", "a digit 0–9"),
        ("320681O01002GB00017", 7, "cadastral district", "a digit 0–9"),
        ("32068100100-GB00017", 12, "cadastral subdistrict", "a digit 0–9"),
        ("320681001002XB00017", 13, "parcel feature code", "G/J/Z"),
        ("320681001002GF00017", 14, "parcel feature code", "A/B/S/X/C/D/E/W/Y"),
        ("320681001002gb00017", 13, "parcel feature code", "G/J/Z"),
        ("320681001002GB0001I", 19, "parcel sequence number", "a digit 0–9"),
        (PARCEL + "X00010001", 20, "fixture unit code", "F/L/Q/W"),
        (PARCEL + "F0001000A", 28, "fixture unit code", "a digit 0–9"),
    ],
)
def test_a_wrong_character_is_named_with_its_position_part_and_what_belongs_there(
    value, position, part, expected
):
    with pytest.raises(Malformed) as refused:
        parse(value)

    text = refused.value.text.render("en")
    assert f"Position {position} ({part})" in text and expected in text
    assert f"第 {position} 位" in refused.value.text.render("zh")


@pytest.mark.parametrize(
    "value", ["", "320681001002GB0001", PARCEL + "W", PARCEL + "F000100011", "20042230470000"]
)
def test_a_wrong_length_is_refused_with_the_lengths_of_the_two_codes(value):
    with pytest.raises(Malformed) as refused:
        parse(value)

    assert refused.value.text.key == "cadastre.length"
    assert f"It has {len(value)} characters" in refused.value.text.render("en")


def test_land_alone_is_w_and_eight_zeros():
    with pytest.raises(Malformed) as refused:
        parse(PARCEL + "W00000001")

    assert "W00000000" in refused.value.text.render("en")


def test_the_expected_shape_follows_the_length_of_the_value():
    assert cadastre.shape(PARCEL).key == "cadastre.shape.parcel"
    assert cadastre.shape(PARCEL + "F0001").key == "cadastre.shape.unit"


def test_a_key_of_another_county_is_refused_naming_both_counties():
    with pytest.raises(Malformed) as refused:
        keys.check_cadastral("320682001002GB00017", "320681")

    text = refused.value.text.render("zh")
    assert "320682" in text and "320681" in text


def test_a_malformed_key_says_what_is_wrong_and_the_expected_shape():
    with pytest.raises(Malformed) as refused:
        keys.check_cadastral("320681001002GB0017", "320681")

    text = refused.value.text.render("en")
    assert "It has 18 characters" in text and "6-digit county code + 3-digit cadastral district" in text


# ---- key transforms ----


@pytest.mark.parametrize(
    ("section", "value", "joined"),
    [
        ({"strip": "-"}, "20-04-223-047-0000", "20042230470000"),
        ({"strip": "- "}, "20 04 223-047-0000", "20042230470000"),
        ({"match": r"PIN(\d+)"}, "PIN20042230470000/A", "20042230470000"),
        ({"match": r"\d{4}$"}, "KFQ-2026-0001", "0001"),
        ({"pad": 6}, "17", "000017"),
        ({"pad": 2}, "12345", "12345"),
        ({"upper": True}, "kfq-001", "KFQ-001"),
        ({"strip": "-", "match": r"^(\d+)", "pad": 16}, "20-04-223-047-0000 (old)", "0020042230470000"),
    ],
)
def test_a_key_is_transformed_strip_match_upper_then_pad(section, value, joined):
    assert keys.rule(section, "m.yaml").apply(value) == joined


def test_an_expression_that_finds_nothing_is_a_refusal_of_that_row():
    with pytest.raises(keys.KeyMismatch) as refused:
        keys.rule({"match": r"PIN(\d+)"}, "m.yaml").apply("KFQ-001")

    assert "KFQ-001" in refused.value.text.render("en") and r"PIN(\d+)" in refused.value.text.render("en")


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"trim": "-"}, "trim"),
        ({"strip": 5}, "strip"),
        ({"strip": ""}, "strip"),
        ({"match": "(unclosed"}, "match"),
        ({"match": "(a+)+$"}, "match"),
        ({"match": "x" * 201}, "match"),
        ({"pad": "14"}, "pad"),
        ({"pad": 0}, "pad"),
        ({"pad": 41}, "pad"),
        ({"pad": True}, "pad"),
        ({"upper": "yes"}, "upper"),
        ({"cadastral": 1}, "cadastral"),
        (["strip"], "key"),
    ],
)
def test_a_wrong_transform_is_one_error_naming_the_key_and_the_accepted_forms(section, named):
    with pytest.raises(InvalidInput) as refused:
        keys.rule(section, "m.yaml")

    text = refused.value.message("en")
    assert f"“{named}”" in text and "m.yaml" in text
    assert "strip:" in text and "match:" in text and "pad: 14" in text and "cadastral: true" in text
    assert "“m.yaml”" in message(refused.value.key, "zh", **refused.value.params)


def test_cadastral_headers_and_the_mapping_saying_otherwise():
    plain, never, always = keys.KeyRule(), keys.KeyRule(cadastral=False), keys.KeyRule(cadastral=True)

    assert all(
        keys.is_cadastral(h, plain) for h in ("宗地代码", "zddm", "不动产单元代码", "不动产单元号", "bdcdyh")
    )
    assert not keys.is_cadastral("地块编号", plain) and not keys.is_cadastral("zddm", never)
    assert keys.is_cadastral("pin", always)
