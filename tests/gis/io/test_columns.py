"""Headers recognised with their units, and mapping files (gis/io/columns.py), without a database."""

import pytest

from gis.errors import InvalidInput
from gis.io import columns


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        ("地块编号", "code", None),
        ("宗地号", "code", None),
        ("DKBH", "code", None),
        ("面积(亩)", "area", "mu"),
        ("面积（公顷）", "area", "ha"),
        ("面积 ㎡", "area", "m2"),
        ("用地性质", "land_use", None),
        ("用地类型", "land_use", None),
        ("权属单位", "ownership", None),
        ("状态", "status", None),
        ("容积率", "plot_ratio", None),
        ("Ｓｔａｔｕｓ ", "status", None),
        ("证载面积(平方米)", "cert_area", "m2"),
        ("价格(万元/亩)", "price_wan_per_mu", None),
        ("rd_power", "ready_power", None),
    ],
)
def test_headers_are_recognised_with_their_units(header, field, unit):
    plan = columns.plan([header], "parcels", columns.Mapping(), is_table=False)

    assert plan.fields == {field: (header, unit)}


def test_a_mapping_file_names_columns_and_values(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "columns: {ZDBM: code, MJ: 'area:mu'}\nvalues: {status: {待出让: available}}\n", encoding="utf-8"
    )

    mapping = columns.load_mapping(path, "parcels")
    plan = columns.plan(["ZDBM", "MJ"], "parcels", mapping, is_table=False)

    assert plan.fields == {"code": ("ZDBM", None), "area": ("MJ", "mu")}
    assert mapping.values["status"] == {"待出让": "available"}


def test_a_mapping_file_with_an_unknown_field_is_refused(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text('{"columns": {"A": "colour"}}', encoding="utf-8")

    with pytest.raises(InvalidInput) as caught:
        columns.load_mapping(path, "parcels")
    assert "colour" in caught.value.message("en")
