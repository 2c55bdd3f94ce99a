"""Cell values to field values (gis/io/values.py): label variants, land-use codes, plot ratios, areas."""

import pytest

from gis.io import columns, values


def test_label_variants_and_legacy_land_use_codes():
    status = values.chooser(values.label_index(values.STATUS_SYNONYMS["parcels"], ["parcel_status"]), None)
    land_use = values.land_use_index(
        [
            ("100101", "一类工业用地", ["M1"]),
            ("1001", "工业用地", ["0601", "M"]),
            ("1101", "物流仓储用地", ["0508", "W"]),
        ]
    )

    assert {status(v) for v in ("Sold by City", "Sold By City ", "ＳＯＬＤ ｂｙ ｃｉｔｙ")} == {"supplied"}
    assert status("可供") == status(" AVAILABLE") == "available"
    assert land_use[columns.key("m1")] == "100101" and land_use[columns.key("0601")] == "1001"
    assert land_use[columns.key("601")] == "1001" and land_use[columns.key("一类工业")] == "100101"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2-2.5", (1.2, 2.5)),
        ("≥1.2", (1.2, None)),
        ("≤2.0", (None, 2.0)),
        ("1.5", (1.5, None)),
        ("１.２～２.５", (1.2, 2.5)),
        (1.3, (1.3, None)),
    ],
)
def test_plot_ratio_forms(text, expected):
    assert values.plot_ratio(text) == expected


def test_areas_convert_from_mu_and_hectares():
    assert values.area_m2("15", "mu") == pytest.approx(10000)
    assert values.area_m2("1,5", "ha") == pytest.approx(150000)  # thousands separator: 15 ha
    assert values.area_m2(0, "mu") is None
    with pytest.raises(values.CellError):
        values.area_m2("-3", None)
