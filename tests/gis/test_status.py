import pytest

from gis.errors import IllegalTransition, InvalidInput
from gis.status import (
    FACTORY_TRANSITIONS,
    PARCEL_TRANSITIONS,
    FactoryStatus,
    ParcelStatus,
    check_transition,
    parse_status,
)

P, F = ParcelStatus, FactoryStatus


def test_the_parcel_workflow_of_the_design():
    path = [P.AVAILABLE, P.RESERVED, P.SIGNED, P.SUPPLIED, P.UNDER_CONSTRUCTION, P.IN_PRODUCTION]
    for source, target in zip(path, path[1:], strict=False):
        assert target in PARCEL_TRANSITIONS[source]
    assert all(P.UNAVAILABLE in PARCEL_TRANSITIONS[s] for s in P if s != P.UNAVAILABLE)
    assert P.AVAILABLE in PARCEL_TRANSITIONS[P.RESERVED]  # releasing a reservation
    assert PARCEL_TRANSITIONS[P.UNAVAILABLE] == {P.AVAILABLE}


def test_the_factory_workflow_of_the_design():
    assert FACTORY_TRANSITIONS[F.VACANT] == {F.RESERVED}
    assert FACTORY_TRANSITIONS[F.RESERVED] == {F.VACANT, F.LEASED, F.SOLD}


def test_skipping_a_step_is_refused_naming_what_is_allowed():
    with pytest.raises(IllegalTransition) as caught:
        check_transition("parcel", "KFQ-001", "available", "signed")

    assert caught.value.message("zh") == (
        "不允许将地块“KFQ-001”的状态从“可供”改为“已签约”；当前允许：意向、暂不可供。"
    )
    assert "allowed now: Reserved, Unavailable" in caught.value.message("en")


def test_reserving_needs_a_project_and_unavailable_needs_a_reason():
    with pytest.raises(InvalidInput, match="project"):
        check_transition("parcel", "A", "available", "reserved")
    with pytest.raises(InvalidInput, match="reason"):
        check_transition("parcel", "A", "available", "unavailable", note="  ")
    check_transition("parcel", "A", "available", "reserved", project="XM-2026-001")
    check_transition("parcel", "A", "available", "unavailable", note="规划调整")


def test_a_change_to_the_same_status_is_refused():
    with pytest.raises(IllegalTransition) as caught:
        check_transition("factory", "CF-1", "vacant", "vacant")

    assert caught.value.key == "status.unchanged"


@pytest.mark.parametrize("text", ["available", "可供", " Available ", "可供 "])
def test_status_labels_in_either_language_are_understood(text):
    assert parse_status("parcel", text.strip()) == P.AVAILABLE


def test_an_unknown_status_lists_the_known_ones():
    with pytest.raises(InvalidInput) as caught:
        parse_status("parcel", "Sold by City")

    assert "可供、意向、已签约" in caught.value.message("zh")
