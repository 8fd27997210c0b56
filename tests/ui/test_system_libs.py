"""A Linux desktop missing an X11 library Qt needs gets the packages to install, in Vietnamese, instead of
Qt's English abort."""
from __future__ import annotations

from ui import app as app_module
from ui.system_libs import missing_packages, uses_xcb


def test_which_platform_opens_windows_through_x11():
    assert uses_xcb({"DISPLAY": ":0"}, "linux")
    assert not uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not uses_xcb({"DISPLAY": ":0"}, "win32")


def test_missing_libraries_are_named_by_their_package():
    table = {"libc.so.6": "libc6", "libcasedesk-nowhere.so.9": "casedesk-nowhere9"}
    assert missing_packages(table) == ["casedesk-nowhere9"]


def test_the_desktop_names_the_packages_and_exits_2(monkeypatch, capsys):
    monkeypatch.setattr(app_module, "has_display", lambda: True)
    monkeypatch.setattr(app_module, "uses_xcb", lambda: True)
    monkeypatch.setattr(app_module, "missing_packages", lambda: ["libxcb-icccm4", "libxcb-keysyms1"])
    assert app_module.main([]) == app_module.NO_DISPLAY_EXIT
    err = capsys.readouterr().err
    assert "sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1" in err and "thiếu thư viện đồ họa" in err
