"""The Windows installer's files, checked here since Windows can't build them on this machine.

A cheap reading of installer/casedesk.iss, casedesk-vi.isl and build.bat for what a stock Inno Setup
6.3+ needs and what the office asked for: each line of an entry section parses; every constant is one
Inno Setup knows; every message the script uses exists in Vietnamese and English; every Vietnamese message
is a real Inno Setup message with the English message's placeholders; and the icon is a real .ico.
"""
from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
ISS = INSTALLER / "casedesk.iss"
ISL = INSTALLER / "casedesk-vi.isl"
BAT = INSTALLER / "build.bat"
SHELL = INSTALLER / "casedesk-shell.cmd"

# Inno Setup 6.4 messages (Default.isl) that the Vietnamese file may replace, with the placeholders each
# carries: a translation that drops %1 shows a blank, one that adds %3 shows garbage
_P1 = "%1"
MESSAGE_PLACEHOLDERS: dict[str, str] = {
    **dict.fromkeys("""SetupAppTitle UninstallAppTitle InformationTitle ConfirmTitle ErrorTitle LdrCannotCreateTemp
        LdrCannotExecTemp SetupFileCorrupt SetupFileCorruptOrWrongVer SetupAlreadyRunning WindowsVersionNotSupported
        AdminPrivilegesRequired ExitSetupTitle ExitSetupMessage AboutSetupMenuItem AboutSetupTitle ButtonBack ButtonNext
        ButtonInstall ButtonOK ButtonCancel ButtonYes ButtonYesToAll ButtonNo ButtonNoToAll ButtonFinish ButtonBrowse
        ButtonWizardBrowse ButtonNewFolder SelectLanguageTitle SelectLanguageLabel ClickNext BrowseDialogTitle
        BrowseDialogLabel NewFolderName WizardSelectDir SelectDirBrowseLabel CannotInstallToNetworkDrive
        CannotInstallToUNCPath InvalidPath InvalidDrive DiskSpaceWarningTitle DirNameTooLong InvalidDirName
        DirExistsTitle DirDoesntExistTitle WizardSelectTasks SelectTasksDesc WizardSelectProgramGroup
        SelectStartMenuFolderDesc SelectStartMenuFolderLabel3 SelectStartMenuFolderBrowseLabel MustEnterGroupName
        GroupNameTooLong InvalidGroupName NoProgramGroupCheck2 WizardReady ReadyLabel2a ReadyLabel2b ReadyMemoUserInfo
        ReadyMemoDir ReadyMemoType ReadyMemoComponents ReadyMemoGroup ReadyMemoTasks WizardPreparing CannotContinue
        ApplicationsFound ApplicationsFound2 CloseApplications DontCloseApplications ErrorCloseApplications
        WizardInstalling ClickFinish ShowReadmeCheck YesRadio NoRadio SetupAborted AbortRetryIgnoreSelectAction
        AbortRetryIgnoreRetry AbortRetryIgnoreIgnore AbortRetryIgnoreCancel StatusClosingApplications StatusCreateDirs
        StatusExtractFiles StatusCreateIcons StatusCreateIniEntries StatusCreateRegistryEntries StatusRegisterFiles
        StatusSavingUninstall StatusRunProgram StatusRestartingApplications StatusRollback SourceIsCorrupted
        ErrorReadingExistingDest ErrorCreatingTemp ErrorReadingSource ErrorCopying ErrorReplacingExistingFile
        ErrorRenamingTemp UninstallDisplayNameMark32Bit UninstallDisplayNameMark64Bit UninstallDisplayNameMarkAllUsers
        UninstallDisplayNameMarkCurrentUser UninstallOnlyOnWin64 OnlyAdminCanUninstall ConfirmDeleteSharedFileTitle
        ConfirmDeleteSharedFile2 SharedFileNameLabel SharedFileLocationLabel WizardUninstalling
        AdditionalIcons CreateDesktopIcon FileExistsSelectAction FileExists2 FileExistsOverwriteExisting
        FileExistsKeepExisting FileExistsOverwriteOrKeepAll ExistingFileNewerSelectAction ExistingFileNewer2
        ExistingFileNewerOverwriteExisting ExistingFileNewerKeepExisting ExistingFileNewerOverwriteOrKeepAll
        ExistingFileReadOnly2 ExistingFileReadOnlyRetry ExistingFileReadOnlyKeepExisting
        FileAbortRetryIgnoreSkipNotRecommended FileAbortRetryIgnoreIgnoreNotRecommended ErrorChangingAttr
        ErrorRestartReplace ErrorRestartingComputer""".split(), ""),
    **dict.fromkeys("ErrorRegOpenKey ErrorRegCreateKey ErrorRegWriteKey".split(), "%1 %2"),
    **dict.fromkeys("""SetupWindowTitle UninstallAppFullTitle SetupLdrStartupMessage SetupFileMissing InvalidParameter
        OnlyOnTheseArchitectures SetupAppRunningError UninstallAppRunningError ErrorCreatingDir ErrorTooManyFilesInDir
        BadDirName32 DirExists DirDoesntExist BadGroupName RunEntryExec RunEntryShellExec ErrorInternal2
        ErrorFunctionFailedNoCode ErrorExecutingProgram SourceDoesntExist UninstallNotFound UninstallOpenError
        UninstallUnsupportedVer UninstallUnknownEntry ConfirmUninstall UninstallStatusLabel UninstalledAll
        UninstalledMost UninstalledAndNeedsRestart UninstallDataCorrupted StatusUninstalling
        ShutdownBlockReasonInstallingApp ShutdownBlockReasonUninstallingApp
        ProgramOnTheWeb UninstallProgram LaunchProgram""".split(), _P1),
    **dict.fromkeys("""WinVersionTooLowError WinVersionTooHighError DiskSpaceWarning ErrorFunctionFailed
        UninstallDisplayNameMark NameAndVersion""".split(), "%1 %2"),
    **dict.fromkeys("LastErrorMessage ErrorFunctionFailedWithMessage UninstallDisplayNameMarks".split(), "%1 %2 %3"),
    "AboutSetupMessage": "%1 %2 %3 %4",
    # the wizard's own fields
    **dict.fromkeys("""SelectDirDesc SelectDirLabel3 SelectTasksLabel2 ReadyLabel1 PreparingDesc PreviousInstallNotCompleted
        PrepareToInstallNeedsRestart InstallingLabel FinishedHeadingLabel FinishedLabelNoIcons FinishedLabel
        FinishedRestartLabel FinishedRestartMessage WelcomeLabel1""".split(), "[name]"),
    "WelcomeLabel2": "[name/ver]",
    "DiskSpaceGBLabel": "[gb]",
    "DiskSpaceMBLabel": "[mb]",
}
# the custom messages every stock .isl defines (English in Default.isl)
STOCK_CUSTOM = {"NameAndVersion", "AdditionalIcons", "CreateDesktopIcon", "CreateQuickLaunchIcon", "ProgramOnTheWeb",
                "UninstallProgram", "LaunchProgram", "AssocFileExtension", "AssocingFileExtension",
                "AutoStartProgramGroupDescription", "AutoStartProgram", "AddonHostProgramNotFound"}
# constants the script may use (Inno Setup's documented names); anything else is a typo or a lone brace
KNOWN_CONSTANTS = {"app", "group", "localappdata", "userdesktop", "userdocs", "cmd", "uninstallexe", "src", "tmp",
                   "userappdata", "userprograms", "autopf", "autodesktop", "autoprograms", "sys", "win"}
SECTION_PARAMS = {
    "Languages": {"Name", "MessagesFile", "LicenseFile", "InfoBeforeFile", "InfoAfterFile"},
    "Tasks": {"Name", "Description", "GroupDescription", "Flags", "Check", "Languages"},
    "Files": {"Source", "DestDir", "DestName", "Flags", "Tasks", "Check", "Languages", "Excludes", "Permissions"},
    "Icons": {"Name", "Filename", "Parameters", "WorkingDir", "IconFilename", "IconIndex", "Comment", "Tasks", "Flags",
              "Check", "Languages", "AppUserModelID", "HotKey"},
    "Run": {"Filename", "Parameters", "WorkingDir", "Description", "StatusMsg", "Flags", "Tasks", "Check", "Languages"},
}
LANGS = ("vi", "en")


def sections(path: Path) -> dict[str, list[str]]:
    """Section name -> its non-blank, non-comment lines (preprocessor lines dropped)."""
    out: dict[str, list[str]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#") or line.startswith("//"):
            continue
        match = re.fullmatch(r"\[(\w+)\]", line)
        if match:
            current = match.group(1)
            out.setdefault(current, [])
        elif current is not None:
            out[current].append(line)
    return out


def directives(lines: list[str]) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in lines]
    keys = [k.strip() for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"a key is given twice: {sorted(keys)}"
    return {k.strip(): v.strip() for k, v in pairs}


def entry(line: str) -> dict[str, str]:
    """Parse ``Name: "value"; Flags: a b`` the way Inno Setup does (a doubled quote is a quote)."""
    params: dict[str, str] = {}
    rest = line
    while rest:
        match = re.match(r'\s*(\w+)\s*:\s*', rest)
        assert match, f"not a parameter at {rest!r} in {line!r}"
        name, rest = match.group(1), rest[match.end():]
        if rest.startswith('"'):
            value_match = re.match(r'"((?:[^"]|"")*)"', rest)
            assert value_match, f"unbalanced quotes in {line!r}"
            value, rest = value_match.group(1).replace('""', '"'), rest[value_match.end():]
        else:
            value, _, rest = rest.partition(";")
            value, rest = value.strip(), ";" + rest if rest else ""
        assert name not in params, f"{name} twice in {line!r}"
        params[name] = value
        rest = rest.strip()
        if rest:
            assert rest.startswith(";"), f"expected ';' in {line!r} at {rest!r}"
            rest = rest[1:].strip()
    return params


@pytest.fixture(scope="module")
def iss():
    return sections(ISS)


@pytest.fixture(scope="module")
def isl():
    return sections(ISL)


def custom_messages(iss, isl) -> dict[str, dict[str, str]]:
    """Language -> custom message name -> text, as Setup would see them."""
    out = {"vi": {}, "en": {name: "(stock)" for name in STOCK_CUSTOM}}
    for line in isl.get("CustomMessages", []):
        name, value = line.split("=", 1)
        out["vi"][name] = value
    for line in iss.get("CustomMessages", []):
        name, value = line.split("=", 1)
        lang, _, key = name.partition(".")
        assert lang in LANGS and key, f"custom message {name} must name its language (vi./en.)"
        out[lang][key] = value
    return out


def placeholders(text: str) -> set[str]:
    """%1..%9 and the wizard's fields ([name], [name/ver], [gb], [mb]) found in a message."""
    return set(re.findall(r"%[1-9]|\[(?:name|name/ver|gb|mb)\]", text))


def test_setup_section_has_what_an_office_pc_needs(iss):
    setup = directives(iss["Setup"])
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", setup["AppId"]), \
        "AppId must be a fixed GUID with its opening brace doubled"
    assert setup["MinVersion"] == "10.0"
    assert setup["ArchitecturesAllowed"] == "x64compatible"
    assert setup["ArchitecturesInstallIn64BitMode"] == "x64compatible"
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"] == r"{localappdata}\Programs\CaseDesk"      # not the data folder
    assert setup["AppVersion"] == "{#AppVersion}" and "{#AppVersion}" in setup["OutputBaseFilename"]
    icon = INSTALLER / setup["SetupIconFile"].replace("\\", "/")
    assert icon.resolve() == (ROOT / "resources" / "icons" / "casedesk.ico").resolve() and icon.is_file()
    text = ISS.read_text(encoding="utf-8")
    assert '#define AppVersion GetEnv("CASEDESK_VERSION")' in text
    assert text.count("#if ") == text.count("#endif")
    assert "#if VER < EncodeVer(6,3,0)" in text                # x64compatible needs 6.3


def test_languages_need_only_a_stock_inno_setup(iss):
    langs = [entry(line) for line in iss["Languages"]]
    assert [lang["Name"] for lang in langs] == ["vi", "en"]            # Vietnamese first: the default
    for lang in langs:
        assert set(lang) <= SECTION_PARAMS["Languages"]
        files = [f.strip() for f in lang["MessagesFile"].split(",")]
        assert files[0] == "compiler:Default.isl", "every language starts from the stock English messages"
        for name in files[1:]:
            assert not name.startswith("compiler:"), f"{name}: only Default.isl ships with every Inno Setup"
            assert (INSTALLER / name).is_file(), name
    assert "Languages\\" not in ISS.read_text(encoding="utf-8")
    setup = directives(iss["Setup"])
    assert setup["LanguageDetectionMethod"] == "none" and setup["ShowLanguageDialog"] == "yes"


def test_vietnamese_messages_are_real_inno_messages_with_their_placeholders(isl):
    raw = ISL.read_bytes()
    raw.decode("utf-8")                                            # UTF-8 (Inno Setup 6.3 needs no BOM)
    options = directives(isl["LangOptions"])
    assert options == {"LanguageName": "Tiếng Việt", "LanguageID": "$042A", "LanguageCodePage": "0"}
    messages = directives(isl["Messages"])
    assert len(messages) > 150
    for name, text in messages.items():
        assert name in MESSAGE_PLACEHOLDERS, f"{name} is not an Inno Setup message"
        want = set(MESSAGE_PLACEHOLDERS[name].split())
        assert placeholders(text) == want, f"{name}: {text!r} should carry {sorted(want)}"
    for name, text in directives(isl["CustomMessages"]).items():
        assert name in STOCK_CUSTOM
        assert placeholders(text) == set(MESSAGE_PLACEHOLDERS[name].split()), name
    # what the office sees on every install is in Vietnamese, not left to the English fallback
    for name in ("WelcomeLabel1", "WelcomeLabel2", "ButtonNext", "ButtonInstall", "ButtonCancel", "ButtonFinish",
                 "SelectDirLabel3", "WizardSelectTasks", "WizardReady", "InstallingLabel", "FinishedLabel",
                 "ConfirmUninstall", "UninstalledAll", "WinVersionTooLowError", "WindowsVersionNotSupported",
                 "OnlyOnTheseArchitectures", "SelectLanguageTitle"):
        assert name in messages, name
    assert "64-bit" in messages["WindowsVersionNotSupported"] and "Windows 10" in messages["WinVersionTooLowError"]


def test_script_messages_exist_in_both_languages(iss, isl):
    text = ISS.read_text(encoding="utf-8")
    custom = custom_messages(iss, isl)
    used = set(re.findall(r"\{cm:(\w+)", text)) | set(re.findall(r"CustomMessage\('(\w+)'\)", text))
    assert used, "the script uses no custom message?"
    for lang in LANGS:
        missing = used - set(custom[lang])
        assert not missing, f"{lang} lacks {sorted(missing)}"
    for line in iss["Messages"]:
        name, value = line.split("=", 1)
        lang, _, key = name.partition(".")
        assert lang in LANGS and key in MESSAGE_PLACEHOLDERS, name
        assert placeholders(value) == set(MESSAGE_PLACEHOLDERS[key].split()), name
    for lang in LANGS:
        assert "%1" in custom[lang]["DataKept"]


def test_entries_parse_and_use_only_known_constants(iss):
    for section, allowed in SECTION_PARAMS.items():
        for line in iss[section]:
            params = entry(line)
            assert set(params) <= allowed, f"[{section}] unknown parameter in {line!r}"
    body = "\n".join(line for name, lines in iss.items() if name != "Code" for line in lines)
    body = body.replace("{{", "")                                   # an escaped brace (the AppId)
    for const in re.findall(r"\{([^}]*)\}", body):
        if const.startswith(("cm:", "#")):
            continue
        assert const in KNOWN_CONSTANTS, f"unknown constant {{{const}}}"


def test_shortcuts_tasks_and_uninstall(iss, isl):
    tasks = {t["Name"]: t for t in map(entry, iss["Tasks"])}
    assert "unchecked" in tasks["desktopicon"]["Flags"].split(), "the desktop icon is offered, not imposed"
    icons = [entry(line) for line in iss["Icons"]]
    desktop = [i for i in icons if i["Name"].startswith("{userdesktop}")]
    assert desktop and all(i.get("Tasks") == "desktopicon" for i in desktop)
    by_name = {i["Name"]: i for i in icons}
    assert by_name["{group}\\CaseDesk"]["Filename"] == "{app}\\CaseDesk.exe"
    cli = by_name["{group}\\{cm:CliShortcut}"]
    assert custom_messages(iss, isl)["vi"]["CliShortcut"] == "CaseDesk — dòng lệnh"
    assert cli["Filename"] == "{cmd}" and cli["Parameters"] == '/k "{app}\\casedesk-shell.cmd"'
    files = [entry(line) for line in iss["Files"]]
    assert any(f["Source"] == "casedesk-shell.cmd" and f["DestDir"] == "{app}" for f in files)
    assert any(f["Source"] == "..\\dist\\CaseDesk-{#AppVersion}\\*" and "recursesubdirs" in f["Flags"] for f in files)
    # nothing deletes the user's data; the uninstaller says where it is
    assert "UninstallDelete" not in iss and "InstallDelete" not in iss
    code = ISS.read_text(encoding="utf-8").split("[Code]", 1)[1]
    assert "usPostUninstall" in code and "CustomMessage('DataKept')" in code and "UninstallSilent" in code
    assert code.count("begin") == code.count("end;")


def test_cli_console_puts_casedesk_cli_on_path():
    raw = SHELL.read_bytes()
    raw.decode("ascii")                       # cmd reads batch files in the OEM code page
    lines = raw.split(b"\r\n")
    assert b"\n" not in b"".join(lines), "CRLF line endings"
    text = raw.decode("ascii")
    assert 'set "PATH=%~dp0;%PATH%"' in text and "casedesk-cli --help" in text


def test_build_bat_stops_loudly_and_bundles_the_postgresql_driver():
    raw = BAT.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b""), "build.bat needs CRLF line endings"
    text = raw.decode("ascii")
    assert "&& iscc" not in text and "where iscc >nul 2>nul &&" not in text      # no silent skip
    assert '".[bundle]"' in text and "import PyInstaller, psycopg2" in text
    for tool in ("py", "pip", "PyInstaller", "ISCC"):
        assert re.search(rf"build\.bat: .*{tool}", text), f"no message when {tool} is missing"
    lines = text.split("\r\n")
    for n, line in enumerate(lines):
        if "if errorlevel 1" in line:
            # the block: this line when it closes its parenthesis, else up to the line holding only ")"
            end = n if line.rstrip().endswith(")") else next(i for i in range(n, len(lines)) if lines[i].strip() == ")")
            block = " ".join(lines[n:end + 1])
            assert "exit /b 1" in block and "1>&2" in block, f"line {n + 1}: a failure must stop with a message"
    for step in ("-m venv", "pip install", "-m PyInstaller", '"%ISCC%"'):
        index = next(i for i, line in enumerate(lines) if step in line)
        assert "if errorlevel 1" in lines[index + 1] or "if errorlevel 1" in lines[index + 2], step
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(d.startswith("psycopg2-binary") for d in extras["bundle"])
    assert any(d.startswith("pyinstaller") for d in extras["bundle"])
    assert not any(d.startswith("pyinstaller") for d in extras["test"]), "make test needn't install PyInstaller"


def test_icon_files_are_real_and_hold_every_size(qapp):
    ico = (ROOT / "resources" / "icons" / "casedesk.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind) == (0, 1) and count == 7
    sizes = []
    for n in range(count):
        w, h, _c, _r, planes, bpp, size, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * n)
        assert planes == 1 and bpp == 32 and offset + size <= len(ico)
        payload = ico[offset:offset + size]
        side = w or 256
        if side == 256:
            assert payload.startswith(b"\x89PNG")
        else:
            header = struct.unpack_from("<IiiHH", payload)
            assert header == (40, side, side * 2, 1, 32)
        sizes.append(side)
    assert sorted(sizes) == [16, 24, 32, 48, 64, 128, 256]
    from PySide6.QtGui import QImage, QImageReader

    reader = QImageReader(str(ROOT / "resources" / "icons" / "casedesk.ico"))
    assert reader.imageCount() == 7
    png = QImage(str(ROOT / "resources" / "icons" / "casedesk.png"))
    assert png.width() == png.height() == 256
    assert png.pixelColor(128, 128).alpha() == 255 and png.pixelColor(0, 0).alpha() == 0


def test_icon_script_draws_the_same_icon(tmp_path, qapp):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "resources" / "icons" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    png, ico = module.main(tmp_path)
    from PySide6.QtGui import QImage

    made, committed = QImage(str(png)), QImage(str(ROOT / "resources" / "icons" / "casedesk.png"))
    assert made.size() == committed.size()
    # the committed files come from this script (Qt versions may differ by a shade of antialiasing)
    differing = sum(made.pixelColor(x, y) != committed.pixelColor(x, y) for x in range(0, 256, 4)
                    for y in range(0, 256, 4))
    assert differing < 0.05 * 64 * 64
    assert ico.read_bytes()[:6] == (ROOT / "resources" / "icons" / "casedesk.ico").read_bytes()[:6]
