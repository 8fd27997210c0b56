"""Connection faults as sentences, the URL as libpq reads it, and intake tokens (no server needed)."""
from __future__ import annotations

import pytest

from casedesk.db_errors import classify
from casedesk.db_pg import connect_params, server_label
from casedesk.errors import BadInput, ConnectionSetup, Unavailable

psycopg2 = pytest.importorskip("psycopg2")


@pytest.mark.parametrize("text,kind,words", [
    ('connection to server at "10.0.0.5", port 5432 failed: FATAL:  password authentication failed for user "mai"',
     ConnectionSetup, "mật khẩu"),
    ("fe_sendauth: no password supplied", ConnectionSetup, "PGPASSWORD"),
    ('FATAL:  database "casedesk" does not exist', ConnectionSetup, "tên cơ sở dữ liệu"),
    ('FATAL:  role "quay1" does not exist', ConnectionSetup, "tên đăng nhập"),
    ('FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "mai", database "casedesk", no encryption',
     ConnectionSetup, "sslmode=require"),
    ('FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "mai", database "casedesk", SSL encryption',
     ConnectionSetup, "pg_hba.conf"),
    ("server does not support SSL, but SSL was required", ConnectionSetup, "bỏ sslmode=require"),
    ('could not translate host name "maychu" to address: Name or service not known', ConnectionSetup,
     "Không tìm thấy máy chủ"),
    ('connection to server at "10.0.0.5", port 5432 failed: Connection refused', Unavailable, "rồi thử lại"),
    ('connection to server at "10.0.0.5", port 5432 failed: timeout expired', Unavailable, "dây mạng"),
    ("server closed the connection unexpectedly", Unavailable, "Không kết nối được"),
    ("FATAL:  sorry, too many clients already", Unavailable, "thử lại"),
])
def test_each_fault_names_what_to_fix(text, kind, words):
    error = classify(psycopg2.OperationalError(text), server="10.0.0.5/casedesk")
    assert isinstance(error, kind) and words in str(error) and "10.0.0.5/casedesk" in str(error)
    assert text not in str(error) and error.details == text                  # the English only in details


def test_a_deadlock_is_a_busy_server_and_other_answers_are_not_connection_faults():
    from psycopg2 import errors

    class Deadlock(errors.DeadlockDetected):
        pgcode = "40P01"

    busy = classify(Deadlock("deadlock detected"), server="s")
    assert isinstance(busy, Unavailable) and "đang bận" in str(busy)

    class Odd(psycopg2.OperationalError):
        pgcode = "58030"                                  # io_error on the server: not the network's doing

    assert classify(Odd("could not write block")) is None


def test_other_errors_are_not_connection_faults():
    assert classify(psycopg2.IntegrityError("duplicate key value")) is None
    assert classify(ValueError("x")) is None


def test_the_url_as_libpq_reads_it():
    url = "postgresql://mai:m%E1%BA%ADt%40kh%E1%BA%A9u@192.168.1.10:5433/casedesk?sslmode=require&connect_timeout=9"
    assert server_label(url) == "192.168.1.10:5433/casedesk"             # never the password
    assert "mật" not in server_label(url) and "%40" not in server_label(url)
    assert server_label("postgresql://mai@may-chu/casedesk") == "may-chu/casedesk"
    params = connect_params(url)
    assert "connect_timeout" not in params                               # the URL's own value stands
    assert params["keepalives"] == "1" and params["options"] == "-c statement_timeout=60000"
    mine = connect_params("postgresql://h/db?options=-c%20search_path%3Dquay")
    assert mine["options"] == "-c statement_timeout=60000 -c search_path=quay"   # theirs last: theirs win


def test_intake_token_finds_the_saved_case(db, receive):
    from casedesk.models import Case

    first = receive(token="3f1c2b9e-7d4a-4c1e-9b0a-5e6f7a8b9c0d")
    again = receive(token="3f1c2b9e-7d4a-4c1e-9b0a-5e6f7a8b9c0d")
    assert again.code == first.code and Case.select().count() == 1
    other = receive(token="a-second-form-0001")
    assert other.code != first.code and Case.select().count() == 2
    assert receive(token=None).code != other.code and receive(token="").code     # no token: always a new case
    for bad in ("short", "x" * 65, "có dấu-12345", "a b c d e f g h", "'; DROP TABLE case; --"):
        with pytest.raises(BadInput) as refused:
            receive(token=bad)
        assert refused.value.field == "token"
    with pytest.raises(BadInput) as misuse:
        receive(token="3f1c2b9e-7d4a-4c1e-9b0a-5e6f7a8b9c0d", id_number="001203099999")
    assert first.code in str(misuse.value)
    assert Case.select().count() == 4


def test_a_server_that_never_answers_is_given_up_in_seconds():
    """A host that takes the connection and then says nothing (hung, or half the link gone): the connect
    timeout gives up after 3 s with a sentence, instead of freezing the desk's work indefinitely."""
    import socket
    import threading
    import time

    from casedesk.db import close_database, open_database

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()
    port = listener.getsockname()[1]
    started = time.monotonic()
    try:
        with pytest.raises(Unavailable) as silent:
            open_database(f"postgresql://mai@127.0.0.1:{port}/casedesk?sslmode=disable", upgrade=False)
    finally:
        close_database()
        listener.close()
    waited = time.monotonic() - started
    assert 2.5 < waited < 8, waited
    assert f"127.0.0.1:{port}/casedesk" in str(silent.value) and "timeout" not in str(silent.value)
