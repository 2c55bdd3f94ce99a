"""Mapping files as people write them: units and values in Chinese or English work, and every
mistake is one readable line naming the key and what is accepted, with nothing written."""

import pytest
from sqlalchemy import func, select

from gis.errors import InvalidInput
from gis.io.columns import load_mapping
from gis.io.importer import ImportOptions, import_file
from gis.models import Parcel
from gis.vocabulary import Layer
from tests.corpus import collection, parcel, write_json
from tests.service.test_cli import landstock


def mapping_file(tmp_path, text):
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def survey(tmp_path):
    """Two parcels whose status column holds the survey's own words, area in a column MJ."""
    features = [parcel(k, code=f"MAP-{k}") for k in range(2)]
    features[0]["properties"] |= {"ZT": "Sold", "MJ": 12.5}
    features[1]["properties"] |= {"ZT": "待出让", "MJ": 30}
    return write_json(tmp_path / "survey.geojson", collection(*features))


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        ("{Sold: 已供地, 待出让: 可供}", ("supplied", "available")),  # Chinese labels
        ("{Sold: Supplied, 待出让: Available}", ("supplied", "available")),  # English labels
        ("{Sold: supplied, 待出让: available}", ("supplied", "available")),  # codes
    ],
)
def test_value_targets_may_be_codes_or_labels_in_either_language(
    databases, backend, tmp_path, targets, expected
):
    db = databases.open(backend, sample=True)
    rules = load_mapping(
        mapping_file(
            tmp_path, f'columns: {{ZT: status, MJ: "cert_area:亩"}}\nvalues: {{status: {targets}}}\n'
        ),
        "parcels",
    )

    report = import_file(db, survey(tmp_path), ImportOptions(Layer.PARCELS, mapping=rules))

    assert report.written, report.to_dict("en")
    with db.read() as session:
        stored = dict(
            session.execute(select(Parcel.code, Parcel.status).where(Parcel.code.like("MAP-%"))).all()
        )
        area = session.scalar(select(Parcel.cert_area_m2).where(Parcel.code == "MAP-0"))
    assert (stored["MAP-0"], stored["MAP-1"]) == expected
    assert area == pytest.approx(12.5 * 10000 / 15)


@pytest.mark.parametrize("unit", ["亩", "mu", "公顷", "ha", "m2", "㎡", "平方米"])
def test_units_are_read_as_codes_or_words(tmp_path, unit):
    rules = load_mapping(mapping_file(tmp_path, f'columns: {{MJ: "cert_area:{unit}"}}\n'), "parcels")
    assert rules.columns["MJ"] in ("cert_area:mu", "cert_area:ha", "cert_area:m2")


def test_an_unknown_unit_names_the_column_and_the_units(tmp_path):
    with pytest.raises(InvalidInput) as refused:
        load_mapping(mapping_file(tmp_path, 'columns: {MJ: "area:sqft"}\n'), "parcels")
    text = refused.value.message("en")
    assert "MJ" in text and "sqft" in text and "mu (亩)" in text and "ha (公顷)" in text


def test_a_value_mapped_to_nothing_known_is_refused_before_anything_is_written(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(Parcel))
    rules = load_mapping(
        mapping_file(tmp_path, "columns: {ZT: status}\nvalues: {status: {Sold: 卖掉了}}\n"), "parcels"
    )

    with pytest.raises(InvalidInput) as refused:
        import_file(db, survey(tmp_path), ImportOptions(Layer.PARCELS, mapping=rules))

    text = refused.value.message("zh")
    assert "Sold" in text and "卖掉了" in text and "supplied" in text and "available" in text
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Parcel)) == before


@pytest.mark.parametrize(
    ("mapping", "named"),
    [
        ('columns: {MJ: "area:sqft"}\n', "sqft"),
        ("columns: {ZT: status}\nvalues: {status: {Sold: 已卖}}\n", "已卖"),
    ],
)
def test_the_cli_says_a_mapping_mistake_in_one_line(databases, backend, tmp_path, mapping, named):
    url = databases.url(backend, sample=True)

    done = landstock(
        "import",
        str(survey(tmp_path)),
        "--layer",
        "parcels",
        "--mapping",
        str(mapping_file(tmp_path, mapping)),
        url=url,
    )

    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert named in done.stderr.strip().splitlines()[-1]


def test_yaml_aliases_are_refused_before_they_expand(tmp_path):
    laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    laughs += [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    bomb = "defaults:\n" + "".join(f"  {line}\n" for line in laughs)
    with pytest.raises(InvalidInput) as refused:
        load_mapping(mapping_file(tmp_path, bomb), "parcels")
    text = refused.value.message("en")
    assert "line 3" in text and "aliases" in text, text
