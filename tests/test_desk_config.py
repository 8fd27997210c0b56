"""The desk's remembered choice of register, its password sources, and connection failures in words."""
from __future__ import annotations

import json
import sys
import types

import pytest

from casedesk import desk_config
from casedesk.desk_config import DeskConnection
from casedesk.errors import BadInput

SERVER = DeskConnection(kind="server", host="192.168.1.10", port=5432, database="casedesk", user="casedesk")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEDESK_HOME", str(tmp_path))
    return tmp_path


def test_the_choice_round_trips_and_a_damaged_file_asks_again(home):
    assert desk_config.load() is None
    desk_config.save(SERVER)
    assert desk_config.load() == SERVER
    assert SERVER.target() == "postgresql://casedesk@192.168.1.10:5432/casedesk"
    for damaged in ("{", "[]", json.dumps({"kind": "cloud"}), json.dumps({"kind": "server", "port": "x", "bad": 1})):
        (home / "connection.json").write_text(damaged)
        found = desk_config.load()
        assert found is None or found.kind in desk_config.KINDS
    odd = DeskConnection(kind="server", host="may-chu", port=5433, database="hồ sơ/2026", user="cán bộ@xã")
    assert odd.target() == "postgresql://c%C3%A1n%20b%E1%BB%99%40x%C3%A3@may-chu:5433/h%E1%BB%93%20s%C6%A1%2F2026"


@pytest.mark.parametrize("host,port,db,user,field", [
    ("", 5432, "casedesk", "casedesk", "host"), ("a b", 5432, "casedesk", "casedesk", "host"),
    ("x@y", 5432, "casedesk", "casedesk", "host"), ("may-chu", 0, "casedesk", "casedesk", "port"),
    ("may-chu", "5432x", "casedesk", "casedesk", "port"), ("may-chu", 70000, "casedesk", "casedesk", "port"),
    ("may-chu", 5432, "  ", "casedesk", "database"), ("may-chu", 5432, "casedesk", "", "user"),
])
def test_bad_server_settings_are_refused_by_field(host, port, db, user, field):
    with pytest.raises(BadInput) as caught:
        desk_config.validate_server(host, port, db, user)
    assert caught.value.field == field and caught.value.message


@pytest.mark.parametrize("libpq,words", [
    ('FATAL:  password authentication failed for user "casedesk"', "Sai mật khẩu"),
    ("fe_sendauth: no password supplied", "Sai mật khẩu"),
    ('FATAL:  database "hoso" does not exist', "không có cơ sở dữ liệu tên casedesk"),
    ('FATAL:  role "cb" does not exist', "không có người dùng tên casedesk"),
    ('FATAL:  no pg_hba.conf entry for host "192.168.1.23", user "casedesk", database "casedesk", no encryption',
     "pg_hba.conf"),
    ('could not translate host name "may-chu" to address: Name or service not known', "Không tìm thấy máy chủ"),
    ('connection to server at "192.168.1.10", port 5432 failed: Connection refused', "không nhận kết nối ở cổng"),
    ("timeout expired", "tường lửa"),
    ('connection to server at "10.0.0.9", port 5432 failed: No route to host', "tường lửa"),
    ("FATAL:  SSL required", "SSL"),
    ("something else entirely", "Không kết nối được tới máy chủ 192.168.1.10:5432"),
    ("", "Không kết nối được tới máy chủ"),
])
def test_each_connection_failure_says_what_to_fix(libpq, words):
    assert words in desk_config.describe_failure(Exception(libpq), SERVER)


def test_the_password_is_kept_only_in_a_credential_store(home, monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)               # no keyring installed
    assert not desk_config.keyring_available()
    kept = DeskConnection(**{**SERVER.__dict__, "keep_password": True})
    assert not desk_config.store_password(kept, "bi-mat") and desk_config.stored_password(kept) is None
    store = {}
    fake = types.ModuleType("keyring")
    fake.set_password = lambda service, key, value: store.__setitem__((service, key), value)
    fake.get_password = lambda service, key: store.get((service, key))
    monkeypatch.setitem(sys.modules, "keyring", fake)
    assert desk_config.store_password(kept, "bi-mat")
    assert desk_config.stored_password(kept) == "bi-mat"
    assert desk_config.stored_password(SERVER) is None             # not asked to keep it: never read
    desk_config.save(kept)
    assert "bi-mat" not in (home / "connection.json").read_text()

    def broken(*a):
        raise RuntimeError("no backend")

    fake.get_password = broken                                       # a store that fails: asked instead
    assert desk_config.stored_password(kept) is None


def test_pgpassword_or_a_pgpass_file_count_as_a_password(tmp_path, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    assert not desk_config.password_from_environment()
    (tmp_path / "pgpass").write_text("192.168.1.10:5432:casedesk:casedesk:bi-mat\n")
    assert desk_config.password_from_environment()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.setenv("PGPASSWORD", "x")
    assert desk_config.password_from_environment()


def test_a_missing_driver_is_said(monkeypatch):
    from casedesk.errors import ConnectionSetup

    monkeypatch.setitem(sys.modules, "psycopg2", None)
    with pytest.raises(ConnectionSetup, match="psycopg2"):
        desk_config.check_server(SERVER, None)


def test_a_move_or_server_backup_carries_every_table_of_the_register():
    """A table added to the models must be added to what move-to and server backups copy."""
    import peewee

    from casedesk import models
    from casedesk.transfer import LABELS, MODELS

    found = {obj for obj in vars(models).values()
             if isinstance(obj, type) and issubclass(obj, models.BaseModel) and obj is not models.BaseModel}
    assert found == set(MODELS)
    assert {m._meta.table_name for m in MODELS} <= set(LABELS)
    for model in MODELS:        # a table's foreign keys point at tables copied before it
        for field in model._meta.fields.values():
            if isinstance(field, peewee.ForeignKeyField):
                assert MODELS.index(field.rel_model) < MODELS.index(model), (model, field)
