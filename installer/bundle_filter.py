"""What the PyInstaller bundle leaves out (installer/casedesk.spec applies it; tests/test_bundle_filter.py checks
it with Linux and Windows file names, since the Windows bundle can't be built here).

An entry is the destination name PyInstaller gives a file inside the bundle, e.g.
``PySide6/Qt/plugins/platforms/libqvnc.so`` on Linux or ``PySide6\\plugins\\platforms\\qdirect2d.dll`` on Windows.
"""
from __future__ import annotations

from pathlib import Path, PurePath

# Qt plugins: keep the X11 (xcb), Wayland and offscreen platforms, printing, image formats a desk meets
# and input methods (IBus carries Vietnamese typing); drop the embedded-device platforms (eglfs, linuxfb,
# vnc...), network information and TLS (CaseDesk opens no network connection through Qt)
DROP_PLUGIN_DIRS = {"egldeviceintegrations", "generic", "networkinformation", "tls", "sqldrivers"}
DROP_PLATFORMS = {"qeglfs", "qlinuxfb", "qminimal", "qminimalegl", "qvnc", "qvkkhrdisplay", "qdirect2d"}
DROP_IMAGEFORMATS = {"qicns", "qtga", "qtiff", "qwbmp", "qwebp", "qpdf"}
DROP_QT_LIBS = ("Qt6EglFSDeviceIntegration", "Qt6EglFsKmsSupport", "Qt6Network", "Qt6Qml", "Qt6Quick")
# Qt's GTK 3 theme plugin would bring the build machine's GTK, its theme data missing, into the bundle
# (11 MB when GTK is installed there); CaseDesk draws with Fusion, and file dialogs still use the desktop's
# portal.  The libraries only that plugin needs go with it (a PC that has them keeps its own).
DROP_PLATFORMTHEMES = {"qgtk3"}
DROP_GTK_LIBS = ("gtk-3", "gdk-3", "atk-1.0", "atk-bridge-2.0", "gdk_pixbuf-2.0", "epoxy", "cairo-gobject",
                 "pangocairo-1.0", "Xcomposite", "Xdamage", "Xinerama", "Xi", "Xrandr", "Xcursor")
# babel's CLDR data: Vietnamese and the English the interface offers (en_GB and its parents); the other
# 800-odd locales are 34 MB nobody reads
KEEP_BABEL = {"root", "vi", "vi_VN", "en", "en_001", "en_150", "en_GB"}


def _stem(name: PurePath) -> str:
    return name.name.split(".")[0].removeprefix("lib")


def wanted(dest: str, path=Path) -> bool:
    """Whether the bundle keeps ``dest`` (``path``: the path flavour of the build machine)."""
    dest = path(dest)
    parts = dest.parts
    if "translations" in parts and "PySide6" in parts:
        return False          # Qt's own catalogues: none is Vietnamese; ui/i18n_qt.py answers Qt's words
    if "plugins" in parts and "PySide6" in parts:
        kind = parts[parts.index("plugins") + 1] if len(parts) > parts.index("plugins") + 1 else ""
        if kind in DROP_PLUGIN_DIRS:
            return False
        if kind == "platforms" and _stem(dest) in DROP_PLATFORMS:
            return False
        if kind == "imageformats" and _stem(dest) in DROP_IMAGEFORMATS:
            return False
        if kind == "platformthemes" and _stem(dest) in DROP_PLATFORMTHEMES:
            return False
    if len(parts) == 1 and dest.name.split(".so")[0].removeprefix("lib") in DROP_GTK_LIBS:
        return False
    if any(_stem(dest).startswith(lib) for lib in DROP_QT_LIBS):
        return False
    if parts[:2] == ("babel", "locale-data") and dest.stem not in KEEP_BABEL:
        return False
    return True


def trim(toc: list) -> list:
    """A PyInstaller TOC (``(dest, source, kind)`` entries) without what the bundle needn't carry."""
    return [entry for entry in toc if wanted(entry[0])]
