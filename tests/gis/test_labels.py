import ast
import re
import string
import textwrap
from functools import cache
from pathlib import Path

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


# ---- every key the code names exists, and every key is named ----

ROOT = Path(__file__).resolve().parents[2]
CODE = [
    p
    for package in ("gis", "service", "maps")
    for p in sorted((ROOT / package).rglob("*.py"))
    if p != ROOT / "gis" / "labels.py"
]
TEMPLATES = sorted((ROOT / "service" / "templates").rglob("*.html"))

# Keys the code builds at run time, by the prefix it builds them on: an f-string (f"field.{name}"),
# a vocabulary's label(group, value), a template's t('web.nav.' ~ name), the map's tree(). A key
# under one of these counts as used without a literal mention if the rest of it is spelled in the
# code (an enum value, a column, a tuple of names); each prefix must still be built somewhere and
# must cover a key no literal mention does (both checked below), so the list stays this short.
DYNAMIC = (
    # vocabularies: label(group, value) and f"{group}.{value}"
    "action.",
    "alert.",
    "alert_help.",
    "area_kind.",
    "building_type.",
    "context_kind.",
    "factory_status.",
    "follow_up.",
    "history.",
    "infra_kind.",
    "investor_category.",
    "nuisance.",
    "parcel_status.",
    "place_kind.",
    "project_stage.",
    "project_type.",
    "quality_check.",
    "quality_missing.",
    "ready.",
    "receptor_kind.",
    "review_department.",
    "review_outcome.",
    "role.",
    "stock_type.",
    "tier.",
    "trends.measure.",
    # column headers and form fields by column name
    "field.",
    "project.field.",
    # import, export and the CLI
    "cli.import.phase.",
    "crs.how.",
    "crs.left_out.",
    "compass.",
    "report.action.",
    "report.outcome.",
    # matching and the joint review sheet
    "match.check.",
    "match.check_status.",
    "match.criterion.",
    "match.kind.",
    "review.",
    "review.col.",
    "review.indicator.",
    "review.source.",
    "review.status.",
    # OGC API
    "ogc.collection.",
    "ogc.link.",
    "ogc.queryable.",
    # maps
    "map.basemap.",
    "map.cell.",
    "map.layer.",
    "map.legend.",
    # pages: words handed to a page's script or built per row
    "web.export.",
    "web.import.",
    "web.match.",
    "web.nav.",
    "web.new_project.",
    "web.project.duplicate_status.",
    "web.project.role.",
    "web.report.",
    "web.report.criterion.",
    "web.report.reached.",
    "web.rights.role.",
    "web.supply.by_",
    "web.supply.layer_",
    "web.supply.stage_",
)
# Leaflet.draw's words, handed to it whole as a tree by maps/layers.py: keyed by its own paths.
TREES = ("map.draw.",)

# Strings in the code that look like keys and are not: ASGI message types, template names, and the
# names of matching's distance checks (f"distance.{target}", shown through match.check.distance).
NOT_KEYS = re.compile(r"^http\.|\.html$|^distance\.$")
KEY_LIKE = re.compile(r"^[a-z][a-z_]*(\.[A-Za-z0-9_-]+)+$")
KEY_HEAD = re.compile(r"^[a-z][a-z_]*\.[\w.]*$")


@cache
def code_trees():
    return [ast.parse(path.read_text(encoding="utf-8")) for path in CODE]


def python_strings():
    """Every string constant of the code (f-strings' literal parts too); the prefixes it builds keys
    on: each f-string's head, label("group", value)'s group, tree("prefix")."""
    constants, heads = set(), set()
    for module in code_trees():
        for node in ast.walk(module):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                heads.add(node.values[0].value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
                first = node.args[0]
                literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
                if literal and node.func.id == "label" and not _all_literal(node.args[1:2]):
                    heads.add(f"{first.value}.")
                elif literal and node.func.id == "tree":
                    heads.add(first.value)
    return constants, heads


def _all_literal(args):
    return all(isinstance(a, ast.Constant) for a in args)


def error_classes(trees):
    """The names of LandstockError and of every class that derives from it, across the code."""
    names, grown = {"LandstockError"}, True
    while grown:
        before = len(names)
        for module in trees:
            for node in ast.walk(module):
                if isinstance(node, ast.ClassDef) and any(_name(b) in names for b in node.bases):
                    names.add(node.name)
        grown = len(names) > before
    return names


def _text(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _name(node):
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def python_keys():
    """The keys the code names whole where a key goes: Text("k"), message("k"), label("g", "v"), an
    error raised with its key (InvalidInput("k")) and an error class's `key = "k"`."""
    trees = code_trees()
    errors = error_classes(trees)
    takers = {"Text", "message"} | errors
    keys = set()
    for module in trees:
        for node in ast.walk(module):
            if isinstance(node, ast.Call):
                texts = [_text(a) for a in node.args[:2]]
                # message() the function, not an error's .message(lang) method
                taker = _name(node.func) in takers and not (
                    _name(node.func) == "message" and isinstance(node.func, ast.Attribute)
                )
                if taker and texts and texts[0] is not None:
                    keys.add(texts[0])
                elif _name(node.func) == "label" and len(texts) == 2 and None not in texts:
                    keys.add(".".join(texts))
            elif isinstance(node, ast.ClassDef) and node.name in errors:
                for item in node.body:
                    if isinstance(item, ast.Assign) and [_name(t) for t in item.targets] == ["key"]:
                        keys.add(_text(item.value))
    return keys


QUOTED = r"""(['"])([^'"]*)\1"""


def template_uses():
    """The keys the templates quote anywhere; those they name whole in t('key') or lbl('group', 'value'),
    which must exist; the prefixes they build keys on ('field.' ~ name, lbl('group', value))."""
    quoted, whole, heads = set(), set(), set()
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        quoted |= {key for key in ZH if f"'{key}'" in text or f'"{key}"' in text}
        whole |= {m.group(2) for m in re.finditer(rf"\bt\(\s*{QUOTED}\s*[,)]", text)}
        heads |= {m.group(2) for m in re.finditer(rf"{QUOTED}\s*[~+]", text)}
        for m in re.finditer(rf"\blbl\(\s*{QUOTED}\s*,\s*(?:{QUOTED}\s*\)|(?!['\"]))", text):
            if m.group(4) is not None:
                whole.add(f"{m.group(2)}.{m.group(4)}")
            else:
                heads.add(f"{m.group(2)}.")
    return quoted, whole, heads


def is_group(name):
    """A prefix keys are built on: a vocabulary's group ("parcel_status") or an f-string's head."""
    if name.endswith((".", "_")):
        return any(key.startswith(name) for key in ZH)
    return any(key.startswith(f"{name}.") for key in ZH)


def test_every_key_the_code_or_a_template_names_exists():
    constants, py_heads = python_strings()
    _, whole, tpl_heads = template_uses()
    tops = {key.split(".")[0] for key in ZH}
    # where a key goes (Text("k"), t('k'), an error's key, ...), whatever it looks like
    missing = {key for key in whole | python_keys() if key not in ZH}
    # any other string of the code that looks like a key, e.g. in a dict of column headers
    missing |= {
        s
        for s in constants
        if KEY_LIKE.match(s) and s.split(".")[0] in tops and not NOT_KEYS.search(s)
        if s not in ZH and not is_group(s)
    }
    # a prefix keys are built on names some key (f"field.{name}", t('web.nav.' ~ name))
    missing |= {
        head
        for head in tpl_heads | py_heads
        if KEY_HEAD.match(head) and not NOT_KEYS.search(head) and not is_group(head)
    }

    assert sorted(missing) == []


def spelled_in_code():
    """Every word and hyphenated word of the code and the templates."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in CODE + TEMPLATES)
    return set(re.findall(r"\w+", text)) | set(re.findall(r"[\w-]+", text))


def test_every_key_is_used():
    constants, py_heads = python_strings()
    quoted, whole, tpl_heads = template_uses()
    named = constants | quoted | whole
    built = py_heads | tpl_heads
    words = spelled_in_code()

    def built_from_words(key):
        prefix = max((p for p in DYNAMIC if key.startswith(p)), key=len, default=None)
        rest = key.removeprefix(prefix).split(".") if prefix else []
        return bool(rest) and all(part in words or part.replace("_", "-") in words for part in rest)

    unused = [
        key for key in ZH if key not in named and not key.startswith(TREES) and not built_from_words(key)
    ]
    assert unused == []
    assert sorted(prefix for prefix in DYNAMIC + TREES if prefix not in built) == []
    assert sorted(p for p in DYNAMIC if all(k in named for k in ZH if k.startswith(p))) == []
