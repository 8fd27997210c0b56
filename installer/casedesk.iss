; Inno Setup script: installs the PyInstaller bundle per user (no admin rights needed on office PCs).
; The version comes from casedesk/__init__.py through build.bat (CASEDESK_VERSION); no copy of it here.
#define AppVersion GetEnv("CASEDESK_VERSION")
#if AppVersion == ""
  #error Run installer\build.bat: it sets CASEDESK_VERSION from casedesk/__init__.py
#endif

[Setup]
AppName=CaseDesk
AppVersion={#AppVersion}
AppPublisher=CaseDesk
DefaultDirName={localappdata}\Programs\CaseDesk
DefaultGroupName=CaseDesk
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=CaseDesk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes

[Languages]
Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\dist\CaseDesk-{#AppVersion}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\CaseDesk"; Filename: "{app}\CaseDesk.exe"
Name: "{userdesktop}\CaseDesk"; Filename: "{app}\CaseDesk.exe"

[Run]
Filename: "{app}\CaseDesk.exe"; Description: "Mở CaseDesk"; Flags: nowait postinstall skipifsilent
