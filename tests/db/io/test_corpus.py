"""Every file of the corpus (tests/corpus.py) imported on both databases, with its expected outcome.

One sample database per backend serves the whole corpus: each import runs in a transaction that
the test rolls back afterwards, so the cases do not see each other's records.
"""

import pytest

from gis.access import operator
from gis.errors import LandstockError
from gis.io.importer import ImportOptions, import_file
from gis.io.limits import ImportLimits
from gis.labels import Text
from tests.conftest import BACKENDS
from tests.corpus import CASES


class Rollback(Exception):
    pass


@pytest.fixture(scope="module", params=BACKENDS)
def corpus_db(request, databases):
    return databases.open(str(request.param), sample=True)


def every_key(report):
    texts = (
        report.notes
        + report.problems
        + [t for r in report.rows for t in r.rejection + r.repairs + r.messages]
    )
    nested = [p for t in texts for p in t.params.values() if isinstance(p, Text)]
    return {t.key for t in texts + nested}


def run(db, case, path):
    options = ImportOptions(
        case.layer, who=operator("测试"), limits=case.limits or ImportLimits(), **case.options
    )

    def undo(report):
        raise Rollback(report)  # the module's database serves every case

    try:
        import_file(db, path, options, before_commit=undo)
    except Rollback as done:
        return done.args[0]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_file(corpus_db, case, tmp_path):
    path = case.build(tmp_path)

    if case.raises:
        with pytest.raises(LandstockError) as caught:
            run(corpus_db, case, path)
        assert caught.value.key == case.raises, caught.value.message("en")
        assert "Traceback" not in caught.value.message("zh")
        return
    report = run(corpus_db, case, path)

    assert [r.outcome for r in report.rows] == case.outcomes, report.to_dict("en")
    assert case.keys <= every_key(report), report.to_dict("en")
    assert report.written == report.acceptable
    assert report.acceptable == ("rejected" not in case.outcomes)
