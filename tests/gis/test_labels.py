import string

from gis.labels import EN, ZH, Text, label, message, tree


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys_and_placeholders():
    assert ZH.keys() == EN.keys()
    for key in ZH:
        assert placeholders(ZH[key]) == placeholders(EN[key]), key


def test_nested_texts_render_in_the_readers_language():
    params = {"kind": Text("kind.parcel"), "code": "A-1"}

    assert message("error.not_found", "zh", **params) == "未找到地块“A-1”。"
    assert message("error.not_found", "en", **params) == "No parcel with code “A-1”."


def test_labels_and_fallbacks():
    assert label("parcel_status", "available") == "可供"
    assert label("parcel_status", "available", "en") == "Available"
    assert message("no.such.key") == "no.such.key"
    assert message("error.not_found", "fr", kind="x", code="y") == "未找到x“y”。"


def test_a_plugins_words_as_a_tree():
    zh, en = tree("map.draw.", "zh"), tree("map.draw.", "en")

    assert zh["draw"]["toolbar"]["buttons"]["polygon"] == "绘制多边形"
    assert en["edit"]["toolbar"]["actions"]["save"] == {"title": "Save changes", "text": "Save"}
    assert tree("no.such.") == {}
