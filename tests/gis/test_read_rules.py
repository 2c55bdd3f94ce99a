"""The rules of reading (gis/access.py), without a database: who sees personal data, whose
reservations, and what a redacted record and history entry look like."""

from gis.access import (
    PERSONAL_FIELDS,
    RESERVATION_FIELDS,
    Principal,
    Role,
    hidden_fields,
    reads_personal,
    reads_projects,
    reads_reservation,
    redact,
    redact_changes,
    reservation_areas,
)

MANAGER = Principal(7, "kfq", Role.PARK_MANAGER, frozenset({1, 20}))
STAFF = [
    Principal(1, "admin", Role.ADMIN),
    Principal(2, "zhaoshang", Role.INVESTMENT),
    Principal(3, "lingdao", Role.LEADER),
]


def test_anonymous_readers_see_neither_people_nor_projects():
    assert not reads_personal(None) and not reads_projects(None)
    assert not reads_reservation(None, 1, 20)
    assert hidden_fields(None, 1, 20) == PERSONAL_FIELDS | RESERVATION_FIELDS
    assert reservation_areas(None) == frozenset()


def test_staff_leaders_and_admins_see_everything():
    for who in STAFF:
        assert reads_personal(who) and reads_projects(who)
        assert hidden_fields(who, 5, 30) == frozenset() and hidden_fields(who, None, None) == frozenset()
        assert reservation_areas(who) is None


def test_a_park_manager_sees_the_reservations_of_their_own_parks_and_towns_only():
    assert reads_personal(MANAGER) and reads_projects(MANAGER)
    assert hidden_fields(MANAGER, 1, 30) == frozenset()  # their park
    assert hidden_fields(MANAGER, 5, 20) == frozenset()  # their town
    assert hidden_fields(MANAGER, 5, 30) == RESERVATION_FIELDS
    assert hidden_fields(MANAGER, None, None) == RESERVATION_FIELDS
    assert reservation_areas(MANAGER) == frozenset({1, 20})


def test_redacted_records_keep_their_shape_and_histories_lose_the_hidden_fields():
    row = {
        "code": "KFQ-009",
        "contact": "施主任",
        "ownership": "沿江亿通",
        "remarks": "x",
        "updated_by": "kfq",
        "reserved_project_code": "XM-2026-001",
        "reserved_project_name": "创新药",
        "status": "reserved",
    }
    changes = {"status": ["available", "reserved"], "reserved_project_id": [None, 3], "contact": ["a", "b"]}

    anonymous = redact(row, hidden_fields(None, 1, 20))
    elsewhere = redact(row, hidden_fields(MANAGER, 5, 30))

    assert anonymous.keys() == row.keys()
    assert {k for k, v in anonymous.items() if v is not None} == {"code", "status"}
    assert elsewhere["contact"] == "施主任" and elsewhere["reserved_project_code"] is None
    assert redact_changes(changes, hidden_fields(None, 1, 20)) == {"status": ["available", "reserved"]}
    assert redact_changes(changes, hidden_fields(MANAGER, 1, 30)) == changes
