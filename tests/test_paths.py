"""Where the data lives: %LOCALAPPDATA%\\CaseDesk on Windows (as the README and the installer say), and the
one-time move of CaseDesk 0.1.0's folder (%LOCALAPPDATA%\\CaseDesk\\CaseDesk) with nothing lost."""
from __future__ import annotations

import sqlite3

import pytest

from casedesk import paths


@pytest.fixture(autouse=True)
def fresh_cache():
    paths._adopted.clear()
    yield
    paths._adopted.clear()


def test_platformdirs_gives_the_documented_windows_folder(monkeypatch):
    from platformdirs.windows import Windows

    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", r"C:\Users\mai\AppData\Local")
    here = Windows(**paths.APP_DIRS).user_data_dir.replace("/", "\\")
    assert here == r"C:\Users\mai\AppData\Local\CaseDesk"
    # what 0.1.0 asked for (an app author): the doubled folder that the move below takes care of
    before = Windows("CaseDesk", "CaseDesk").user_data_dir.replace("/", "\\")
    assert before == r"C:\Users\mai\AppData\Local\CaseDesk\CaseDesk"
    assert before == here + "\\" + paths.OLD_WINDOWS_SUBFOLDER


def test_the_installer_names_the_same_folder():
    iss = (paths.Path(__file__).resolve().parent.parent / "installer" / "casedesk.iss").read_text(encoding="utf-8")
    assert r"ExpandConstant('{localappdata}\CaseDesk')" in iss


def old_install(new):
    """CaseDesk 0.1.0's folder with a real register, a backup folder and a log."""
    old = new / "CaseDesk"
    (old / "backups" / "abc123").mkdir(parents=True)
    con = sqlite3.connect(old / "casedesk.sqlite3")
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES ('Nguyễn Văn Đường')")
    con.commit()
    con.close()
    (old / "backups" / "abc123" / "casedesk_x.sqlite3").write_bytes(b"backup")
    (old / "casedesk.log").write_text("log\n", encoding="utf-8")
    return old


def test_the_old_windows_folder_moves_up_once(tmp_path, own_log):
    new = tmp_path / "CaseDesk"
    old = old_install(new)
    assert paths.adopt_old_windows_folder(new) == new
    assert not old.exists()
    con = sqlite3.connect(new / "casedesk.sqlite3")
    assert con.execute("SELECT x FROM t").fetchone() == ("Nguyễn Văn Đường",)
    con.close()
    assert (new / "backups" / "abc123" / "casedesk_x.sqlite3").read_bytes() == b"backup"
    assert (new / "casedesk.log").read_text(encoding="utf-8") == "log\n"
    # a second start finds nothing to do
    paths._adopted.clear()
    assert paths.adopt_old_windows_folder(new) == new


def test_an_open_old_register_is_used_where_it_is(tmp_path, own_log):
    new = tmp_path / "CaseDesk"
    old = old_install(new)
    (old / "casedesk.sqlite3-wal").write_bytes(b"committed pages not yet in the main file")
    assert paths.adopt_old_windows_folder(new) == old
    paths._adopted.clear()
    assert paths.adopt_old_windows_folder(new) == old            # and again on the next start, until closed
    assert (old / "casedesk.sqlite3").exists() and (old / "casedesk.sqlite3-wal").exists()
    assert not (new / "casedesk.sqlite3").exists()


def test_a_register_already_in_the_new_folder_is_never_overwritten(tmp_path):
    new = tmp_path / "CaseDesk"
    old = old_install(new)
    (new / "casedesk.sqlite3").write_bytes(b"the register in use")
    assert paths.adopt_old_windows_folder(new) == new
    assert (new / "casedesk.sqlite3").read_bytes() == b"the register in use"
    assert (old / "casedesk.sqlite3").exists() and (old / "backups").is_dir()


def test_what_cannot_move_stays_and_is_named_in_the_log(tmp_path, caplog, own_log):
    new = tmp_path / "CaseDesk"
    old = old_install(new)
    (new / "backups").mkdir()                      # a clash: the old backups stay where they are
    with caplog.at_level("WARNING", logger="casedesk"):
        assert paths.adopt_old_windows_folder(new) == new
    assert (new / "casedesk.sqlite3").exists()
    assert (old / "backups" / "abc123" / "casedesk_x.sqlite3").exists()
    assert "backups" in caplog.text


@pytest.fixture
def own_log(monkeypatch):
    """A fresh casedesk logger for the test (its file in the data folder under test), removed after."""
    import logging

    from casedesk import logs

    before = list(logging.getLogger("casedesk").handlers)
    monkeypatch.setattr(logs, "_logger", None)
    yield
    log = logging.getLogger("casedesk")
    for handler in [h for h in log.handlers if h not in before]:
        log.removeHandler(handler)
        handler.close()


def test_data_dir_on_windows_uses_the_short_folder_and_moves_the_old_one(tmp_path, monkeypatch, own_log):
    import platformdirs

    local = tmp_path / "Local"
    new = local / "CaseDesk"
    old_install(new)
    seen = {}

    def fake_user_data_dir(**kw):
        seen.update(kw)
        return str(local / kw["appname"])

    monkeypatch.delenv("CASEDESK_HOME", raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", fake_user_data_dir)
    monkeypatch.setattr(paths, "ON_WINDOWS", True)
    assert paths.data_dir() == new
    assert seen == {"appname": "CaseDesk", "appauthor": False}
    assert "moved the data of CaseDesk 0.1.0" in (new / "casedesk.log").read_text(encoding="utf-8")
    assert paths.default_db_path() == new / "casedesk.sqlite3" and paths.default_db_path().exists()


def test_casedesk_home_still_overrides_everything(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEDESK_HOME", str(tmp_path / "elsewhere"))
    monkeypatch.setattr(paths, "ON_WINDOWS", True)
    assert paths.data_dir() == tmp_path / "elsewhere"
    assert not (tmp_path / "elsewhere" / "CaseDesk").exists()


def test_the_desks_connection_choice_follows_the_data_on_windows(tmp_path, monkeypatch, own_log):
    """connection.json sits where platformdirs puts settings; on Windows that is the data folder, so a
    choice saved in 0.1.0's place (%LOCALAPPDATA%\\CaseDesk\\CaseDesk) moves with the data and is found."""
    import platformdirs

    from casedesk import desk_config

    local = tmp_path / "Local"
    new = local / "CaseDesk"
    old = new / "CaseDesk"
    old.mkdir(parents=True)
    (old / "connection.json").write_text('{"kind": "server"}', encoding="utf-8")
    (old / "demo.sqlite3").write_bytes(b"demo")
    asked = []

    def fake(**kw):
        asked.append(kw)
        return str(local / kw["appname"])

    monkeypatch.delenv("CASEDESK_HOME", raising=False)
    monkeypatch.setattr(platformdirs, "user_config_dir", fake)
    monkeypatch.setattr(platformdirs, "user_data_dir", fake)
    monkeypatch.setattr(paths, "ON_WINDOWS", True)
    assert desk_config.config_file() == new / "connection.json"
    assert (new / "connection.json").read_text(encoding="utf-8") == '{"kind": "server"}'
    assert (new / "demo.sqlite3").exists() and not old.exists()
    assert paths.data_dir() == desk_config.config_dir() == new
    assert all(kw == {"appname": "CaseDesk", "appauthor": False} for kw in asked)


def test_linux_folders_are_unchanged(monkeypatch):
    """appauthor is ignored on Linux: the data and settings folders of existing installs stay put."""
    from platformdirs.unix import Unix

    monkeypatch.setenv("XDG_DATA_HOME", "/home/mai/.local/share")
    monkeypatch.setenv("XDG_CONFIG_HOME", "/home/mai/.config")
    assert Unix(**paths.APP_DIRS).user_data_dir == Unix("CaseDesk", "CaseDesk").user_data_dir == \
        "/home/mai/.local/share/CaseDesk"
    assert Unix(**paths.APP_DIRS).user_config_dir == Unix("CaseDesk", "CaseDesk").user_config_dir == \
        "/home/mai/.config/CaseDesk"
