import string
import textwrap

import pytest

from gis.labels import EN, ZH, LabelFileError, Text, label, load, message, tree


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


# ---- the file itself ----


def write(tmp_path, text):
    path = tmp_path / "labels.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_file_reads_both_languages_side_by_side_as_written(tmp_path):
    path = write(
        tmp_path,
        """\
        # a comment
        a.b:
          zh: 可供
          en: No
        a.c:
          en: "{n} parcels"
          zh: "{n} 块"
        """,
    )

    assert load(path) == {"zh": {"a.b": "可供", "a.c": "{n} 块"}, "en": {"a.b": "No", "a.c": "{n} parcels"}}


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("a.b:\n  zh: 甲\n  en: A\na.b:\n  zh: 乙\n  en: B\n", ", line 4: the key 'a.b' is written twice"),
        ("a.b:\n  zh: 甲\n  en: A\n  zh: 乙\n", ", line 4: 'a.b' has 'zh' twice"),
        ("a.b:\n  zh: 甲\n", ", line 1: 'a.b' lacks en"),
        ("a.b:\n  en: A\n", ", line 1: 'a.b' lacks zh"),
        ("a.b:\n  zh: 甲\n  en:\n", ", line 3: 'a.b' has an empty or non-text 'en'"),
        ("a.b:\n  zh: 甲\n  en: [A, B]\n", ", line 3: 'a.b' has an empty or non-text 'en'"),
        ("a.b:\n  zh: 甲\n  en: A\n  fr: A\n", ", line 4: 'a.b' has 'fr': the languages are zh, en"),
        ("a.b: 甲\n", ", line 1: 'a.b' needs its texts under it as `zh:` and `en:`"),
        ("- a.b\n", ": not a mapping of label keys"),
    ],
)
def test_a_broken_file_is_refused_with_its_line(tmp_path, text, complaint):
    path = write(tmp_path, text)

    with pytest.raises(LabelFileError) as refused:
        load(path)
    assert str(refused.value) == f"{path}{complaint}"
