"""What the bundle leaves out, checked with the file names PyInstaller gives on Linux and on Windows (the
Windows bundle can't be built here, so its trimming is checked by name)."""
from __future__ import annotations

import importlib.util
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bundle_filter", ROOT / "installer" / "bundle_filter.py")
bundle_filter = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_filter)

KEPT = {
    "linux": ["PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqwayland.so",
              "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
              "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
              "PySide6/Qt/plugins/imageformats/libqjpeg.so", "PySide6/Qt/plugins/imageformats/libqico.so",
              "PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6Widgets.so.6",
              "PySide6/Qt/lib/libQt6PrintSupport.so.6", "PySide6/Qt/lib/libicudata.so.73",
              "babel/locale-data/vi.dat", "babel/locale-data/vi_VN.dat", "babel/locale-data/en_GB.dat",
              "babel/locale-data/en_001.dat", "babel/locale-data/root.dat", "babel/global.dat",
              "resources/fonts/LiberationSerif-Regular.ttf", "resources/locale/en/core.po", "psycopg2/_psycopg.so",
              "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", "libxkbcommon.so.0", "libcups.so.2",
              "libcairo.so.2", "libXext.so.6", "libX11.so.6"],
    "windows": [r"PySide6\plugins\platforms\qwindows.dll", r"PySide6\plugins\platforms\qoffscreen.dll",
                r"PySide6\plugins\styles\qmodernwindowsstyle.dll", r"PySide6\plugins\imageformats\qico.dll",
                r"PySide6\Qt6Core.dll", r"PySide6\Qt6Gui.dll", r"PySide6\Qt6Widgets.dll", r"PySide6\Qt6PrintSupport.dll",
                r"babel\locale-data\vi.dat", r"babel\locale-data\en_GB.dat", r"babel\locale-data\root.dat",
                r"resources\icons\casedesk.png"],
}
DROPPED = {
    "linux": ["PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/translations/qt_help_fr.qm",
              "PySide6/Qt/plugins/platforms/libqvnc.so", "PySide6/Qt/plugins/platforms/libqeglfs.so",
              "PySide6/Qt/plugins/platforms/libqlinuxfb.so", "PySide6/Qt/plugins/platforms/libqminimal.so",
              "PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so",
              "PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", "PySide6/Qt/plugins/tls/libqopensslbackend.so",
              "PySide6/Qt/plugins/networkinformation/libqnetworkmanager.so",
              "PySide6/Qt/plugins/imageformats/libqtiff.so", "PySide6/Qt/plugins/imageformats/libqwebp.so",
              "PySide6/Qt/lib/libQt6Network.so.6", "PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6",
              "babel/locale-data/fr.dat", "babel/locale-data/zh_Hant_TW.dat", "babel/locale-data/en_US_POSIX.dat",
              "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "libgtk-3.so.0", "libgdk-3.so.0", "libatk-1.0.so.0",
              "libepoxy.so.0", "libXi.so.6"],
    "windows": [r"PySide6\translations\qtbase_ja.qm", r"PySide6\plugins\platforms\qdirect2d.dll",
                r"PySide6\plugins\platforms\qminimal.dll", r"PySide6\plugins\tls\qschannelbackend.dll",
                r"PySide6\plugins\networkinformation\qnetworklistmanager.dll", r"PySide6\plugins\generic\qtuiotouchplugin.dll",
                r"PySide6\plugins\imageformats\qtiff.dll", r"PySide6\Qt6Network.dll",
                r"babel\locale-data\de.dat", r"babel\locale-data\vi_Latn.dat"],
}
FLAVOURS = {"linux": PurePosixPath, "windows": PureWindowsPath}


@pytest.mark.parametrize("system", ["linux", "windows"])
def test_what_the_office_needs_stays(system):
    gone = [d for d in KEPT[system] if not bundle_filter.wanted(d, FLAVOURS[system])]
    assert not gone


@pytest.mark.parametrize("system", ["linux", "windows"])
def test_what_nobody_uses_goes(system):
    kept = [d for d in DROPPED[system] if bundle_filter.wanted(d, FLAVOURS[system])]
    assert not kept


def test_trim_keeps_toc_entries_whole():
    toc = [("babel/locale-data/vi.dat", "/src/vi.dat", "DATA"), ("babel/locale-data/fr.dat", "/src/fr.dat", "DATA")]
    assert bundle_filter.trim(toc) == toc[:1]
