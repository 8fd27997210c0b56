; Inno Setup script: installs the PyInstaller bundle per user (no admin rights needed on office PCs).
; Build with installer\build.bat (it sets CASEDESK_VERSION from casedesk/__init__.py and finds ISCC);
; needs a stock Inno Setup 6.3 or later and nothing else: the Vietnamese words are in casedesk-vi.isl,
; written for this project, and English comes from the compiler's own Default.isl.
; tests/test_installer_files.py reads this file: keep one directive per line.
#define AppVersion GetEnv("CASEDESK_VERSION")
#if AppVersion == ""
  #error Run installer\build.bat: it sets CASEDESK_VERSION from casedesk/__init__.py
#endif
#if VER < EncodeVer(6,3,0)
  #error Inno Setup 6.3 or later is needed (x64compatible, UTF-8 files without a BOM)
#endif

[Setup]
; the AppId ties upgrades and the uninstaller together: never change it (the first brace is doubled,
; as Inno Setup reads a lone "{" as the start of a constant)
AppId={{29A2C6CB-7022-48CB-9C6D-3393575CFA38}
AppName=CaseDesk
AppVersion={#AppVersion}
AppVerName=CaseDesk {#AppVersion}
AppPublisher=CaseDesk
DefaultDirName={localappdata}\Programs\CaseDesk
DefaultGroupName=CaseDesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
; Qt 6 and Python 3.11 need 64-bit Windows 10 or 11: refuse anything else with a clear sentence
; (WinVersionTooLowError, WindowsVersionNotSupported and OnlyOnTheseArchitectures below)
MinVersion=10.0
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Vietnamese first and by default, whatever the language of Windows; the dialog offers English
LanguageDetectionMethod=none
ShowLanguageDialog=yes
SetupIconFile=..\resources\icons\casedesk.ico
UninstallDisplayIcon={app}\CaseDesk.exe
UninstallDisplayName=CaseDesk
WizardStyle=modern
CloseApplications=yes
OutputDir=..\dist
OutputBaseFilename=CaseDesk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes

[Languages]
; later files override earlier ones: a message casedesk-vi.isl lacks still shows (in English)
Name: "vi"; MessagesFile: "compiler:Default.isl,casedesk-vi.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Messages]
en.WindowsVersionNotSupported=CaseDesk needs 64-bit Windows 10 or Windows 11; this computer runs another version of Windows, so it cannot be installed.
en.OnlyOnTheseArchitectures=CaseDesk can only be installed on 64-bit (x64) Windows. This computer runs Windows for:%n%n%1
en.WinVersionTooLowError=CaseDesk needs %1 version %2 or later (64-bit Windows 10 or Windows 11).
en.ConfirmUninstall=Remove %1 from this computer? The office's data and backups are kept.

[CustomMessages]
vi.CliShortcut=CaseDesk — dòng lệnh
en.CliShortcut=CaseDesk — command line
vi.CliComment=Cửa sổ lệnh có sẵn casedesk-cli (khởi tạo văn phòng, sao lưu, kiểm tra, báo cáo)
en.CliComment=A console with casedesk-cli ready (set up an office, back up, check, report)
vi.DeskComment=Sổ theo dõi hồ sơ của Bộ phận Một cửa
en.DeskComment=The case register of the one-stop desk
vi.DataKept=Dữ liệu và các bản sao lưu của văn phòng vẫn được giữ nguyên ở:%n%n%1%n%nCài lại CaseDesk sẽ dùng tiếp dữ liệu này. Chỉ xóa thư mục đó khi chắc chắn không cần nữa (hãy chép một bản sao lưu ra nơi khác trước).
en.DataKept=The office's data and backups are kept in:%n%n%1%n%nInstalling CaseDesk again uses them as they are. Delete that folder only when you are sure they are no longer needed (copy a backup elsewhere first).
en.NameAndVersion=%1 version %2
en.AdditionalIcons=Additional shortcuts:
en.CreateDesktopIcon=Create a &desktop shortcut
en.LaunchProgram=Launch %1
en.UninstallProgram=Uninstall %1

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\dist\CaseDesk-{#AppVersion}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion
Source: "casedesk-shell.cmd"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{group}\CaseDesk"; Filename: "{app}\CaseDesk.exe"; Comment: "{cm:DeskComment}"
Name: "{group}\{cm:CliShortcut}"; Filename: "{cmd}"; Parameters: "/k ""{app}\casedesk-shell.cmd"""; WorkingDir: "{userdocs}"; IconFilename: "{app}\casedesk-cli.exe"; Comment: "{cm:CliComment}"
Name: "{group}\{cm:UninstallProgram,CaseDesk}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\CaseDesk"; Filename: "{app}\CaseDesk.exe"; Comment: "{cm:DeskComment}"; Tasks: desktopicon

[Run]
Filename: "{app}\CaseDesk.exe"; Description: "{cm:LaunchProgram,CaseDesk}"; Flags: nowait postinstall skipifsilent

[Code]
// The data folder (database, backups, log) is the user's, not the program's: the uninstaller removes
// only {app} and says where the data stayed.  The path is the one casedesk/paths.py uses on Windows.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\CaseDesk')]), mbInformation, MB_OK);
end;
