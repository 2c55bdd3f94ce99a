"""`landstock user …` goes through the accounts gateway as the operator at the shell: every
change is in the account's history, named by `--actor` or the OS user, on both databases."""

import getpass
import shlex

from gis import accounts
from gis.database import Database, make_engine
from tests.service.test_cli import landstock


def test_cli_account_changes_are_recorded_with_the_operator(databases, backend):
    url = databases.url(backend, sample=True)

    add = "user add kfq3 --role park_manager --area P01 --password-stdin --actor 王科长"
    added = landstock(*shlex.split(add), url=url, input_="a-long-password\n")
    issued = landstock("user", "token", "kfq3", "--label", "脚本", "--actor", "王科长", url=url)
    changed = landstock("user", "passwd", "kfq3", "--password-stdin", url=url, input_="another-password\n")
    disabled = landstock("user", "disable", "kfq3", url=url)
    enabled = landstock("user", "enable", "kfq3", url=url)

    assert [p.returncode for p in (added, issued, changed, disabled, enabled)] == [0] * 5, added.stderr
    db = Database(make_engine(url))
    with db.read() as session:
        entries = [(e.actor, e.action, e.changes) for e in accounts.history(session, "kfq3")]
        token_user = accounts.token_user(session, issued.stdout.strip().splitlines()[-1])
    db.dispose()
    me = getpass.getuser()
    assert entries[0][:2] == ("王科长", "create") and entries[0][2]["areas"] == [None, ["P01"]]
    assert entries[0][2]["password"] == [None, "******"]
    assert entries[1:] == [
        ("王科长", "update", {"token": [None, "脚本"]}),
        (me, "update", {"password": ["******", "******"]}),
        (me, "update", {"active": [True, False]}),
        (me, "update", {"active": [False, True]}),
    ]
    assert token_user is None  # the new password ended the token; enabling did not bring it back
