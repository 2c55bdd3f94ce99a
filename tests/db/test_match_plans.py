"""A match reads the parcels through indexes only, on both databases (query plans): at 10^5
parcels one full scan of them takes longer than a whole match may."""

import datetime as dt
import re

from sqlalchemy import event, text

from gis.matching.need import MatchConfig, Need
from gis.matching.run import match

NEED = Need(
    industry_code="27",
    land_min_mu=30,
    land_max_mu=80,
    preferred_areas=("P03",),
    max_distance_km=(("port", 30.0),),
    today=dt.date(2026, 11, 1),
)


def statements_of_a_match(db):
    """Every statement a match runs that reads the parcels, with its parameters, and the result."""
    captured = []

    def keep(_conn, _cursor, statement, parameters, _context, _executemany):
        if re.search(r"\b(FROM|JOIN) parcels\b", statement):
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with db.read() as session:
            result = match(session, NEED, MatchConfig())
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return captured, result


def test_every_statement_of_a_match_reads_the_parcels_through_an_index(sample_db):
    captured, result = statements_of_a_match(sample_db)
    sqlite = sample_db.dialect == "sqlite"
    with sample_db.read() as session:
        if not sqlite:
            # 556 parcels fit a few pages: make the planner show that it *can* use an index
            session.execute(text("SET LOCAL enable_seqscan = off"))
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        plans = [
            (
                statement,
                "\n".join(
                    str(r[-1]) for r in session.connection().exec_driver_sql(prefix + statement, parameters)
                ),
            )
            for statement, parameters in captured
        ]

    assert result.parcels and result.near_parcels and len(plans) >= 6
    for statement, plan in plans:
        full_scan = (
            re.search(r"^SCAN (parcels|slice)\b", plan, re.M) if sqlite else "Seq Scan on parcels" in plan
        )
        assert not full_scan, f"{statement[:120]}\n{plan}"
    pool = [plan for statement, plan in plans if "AS estimate" in statement]
    assert pool and all("ix_parcels_match" in plan for plan in pool), pool
