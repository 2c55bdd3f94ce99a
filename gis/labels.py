"""Every word a user reads, in Chinese (the default) and English, keyed the same way.

Code uses English identifiers and takes its labels, column headers and messages from here, so
that an English interface sits beside the Chinese one. The words themselves are data:
`labels.yaml` beside this module holds each key once with its Chinese and English side by side,
read once at import. `tests/gis/test_labels.py` checks that both languages define the same keys
with the same placeholders, that every key the code names exists and that none is unused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_LANG = "zh"
LANGUAGES = ("zh", "en")
SOURCE = Path(__file__).with_name("labels.yaml")


class LabelFileError(Exception):
    """`labels.yaml` is not a mapping of keys to one text per language: the program cannot start."""


def _complain(path: Path, node: yaml.Node, what: str) -> LabelFileError:
    return LabelFileError(f"{path}, line {node.start_mark.line + 1}: {what}")


def _texts(path: Path, key_node: yaml.Node, entry: yaml.Node) -> dict[str, str]:
    """The texts of one label, each language once, none missing or empty."""
    key = key_node.value
    if not isinstance(entry, yaml.MappingNode):
        raise _complain(path, entry, f"{key!r} needs its texts under it as `zh:` and `en:`")
    texts: dict[str, str] = {}
    for lang_node, text_node in entry.value:
        lang = lang_node.value
        if lang not in LANGUAGES:
            raise _complain(
                path, lang_node, f"{key!r} has {lang!r}: the languages are {', '.join(LANGUAGES)}"
            )
        if lang in texts:
            raise _complain(path, lang_node, f"{key!r} has {lang!r} twice")
        if not isinstance(text_node, yaml.ScalarNode) or not text_node.value:
            raise _complain(path, text_node, f"{key!r} has an empty or non-text {lang!r}")
        texts[lang] = text_node.value
    missing = [lang for lang in LANGUAGES if lang not in texts]
    if missing:
        raise _complain(path, key_node, f"{key!r} lacks {' and '.join(missing)}")
    return texts


def load(path: Path = SOURCE) -> dict[str, dict[str, str]]:
    """The catalogue of each language in `path`, keyed alike, in the file's order.

    The file is read as written (YAML's nodes, not its typed values: `en: No` is the text "No"),
    and refused with the line named if a key is written twice, an entry lacks a language or has
    one not in LANGUAGES, or a text is empty or not a plain string. (PyYAML's own loader would
    silently keep the last of two equal keys.)
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml reads it ~10x faster
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(root, yaml.MappingNode):
        raise LabelFileError(f"{path}: not a mapping of label keys")
    catalogues: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for key_node, entry in root.value:
        key = key_node.value
        if not isinstance(key_node, yaml.ScalarNode) or not key:
            raise _complain(path, key_node, "a label key must be a plain text")
        if key in catalogues[DEFAULT_LANG]:
            raise _complain(path, key_node, f"the key {key!r} is written twice")
        texts = _texts(path, key_node, entry)
        for lang in LANGUAGES:
            catalogues[lang][key] = texts[lang]
    return catalogues


CATALOGUES: dict[str, dict[str, str]] = load()
ZH: dict[str, str] = CATALOGUES["zh"]
EN: dict[str, str] = CATALOGUES["en"]


@dataclass(frozen=True)
class Text:
    """A message key with parameters, rendered in whatever language the reader uses."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANG) -> str:
        """The text in `lang`."""
        return message(self.key, lang, **self.params)


def message(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """Render the text for `key` in `lang`, falling back to Chinese, then to the key itself.

    Parameters that are `Text` (or lists of `Text`) are rendered in the same language.
    """
    template = CATALOGUES.get(lang, ZH).get(key) or ZH.get(key) or key
    sep = "、" if lang == "zh" else ", "
    rendered = {
        name: sep.join(v.render(lang) if isinstance(v, Text) else str(v) for v in value)
        if isinstance(value, list | tuple)
        else value.render(lang)
        if isinstance(value, Text)
        else value
        for name, value in params.items()
    }
    try:
        return template.format(**rendered)
    except (KeyError, IndexError):
        return template


def label(group: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """The label of an enumerated value, e.g. label("parcel_status", "available") -> "可供"."""
    return message(f"{group}.{value}", lang)


def tree(prefix: str, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The texts under `prefix` as nested dicts, for a plugin that takes its words that way
    ("map.draw.edit.toolbar.buttons.edit" → tree("map.draw.")["edit"]["toolbar"]["buttons"]["edit"])."""
    nested: dict[str, Any] = {}
    for key in ZH:
        if key.startswith(prefix):
            *path, leaf = key.removeprefix(prefix).split(".")
            node = nested
            for part in path:
                node = node.setdefault(part, {})
            node[leaf] = message(key, lang)
    return nested
