@echo off
rem Build the Windows bundle (run on 64-bit Windows 10/11 with Python 3.11+ and Inno Setup 6.3+), then the
rem installer: dist\CaseDesk-<version>\ and dist\CaseDesk-<version>-setup.exe.  Every step that fails stops
rem the build with a sentence saying what is missing; nothing is skipped silently.
setlocal
cd /d "%~dp0.."

where py >nul 2>nul
if errorlevel 1 (
  echo build.bat: the Python launcher "py" is missing: install Python 3.11 ^(64-bit^) from python.org 1>&2
  exit /b 1
)
py -3.11 -c "import sys; assert sys.maxsize > 2**32" >nul 2>nul
if errorlevel 1 (
  echo build.bat: 64-bit Python 3.11 is missing: install it from python.org, then run build.bat again 1>&2
  exit /b 1
)
if not exist .venv\Scripts\python.exe (
  py -3.11 -m venv .venv
  if errorlevel 1 ( echo build.bat: could not make .venv 1>&2 & exit /b 1 )
)
.venv\Scripts\python -m pip --version >nul 2>nul
if errorlevel 1 ( echo build.bat: pip is missing in .venv: .venv\Scripts\python -m ensurepip 1>&2 & exit /b 1 )
rem the "bundle" extra: PyInstaller and the PostgreSQL driver (psycopg2-binary) for desks on a LAN office
.venv\Scripts\python -m pip install --quiet -e ".[bundle]"
if errorlevel 1 ( echo build.bat: pip could not install CaseDesk with its "bundle" extra 1>&2 & exit /b 1 )
.venv\Scripts\python -c "import PyInstaller, psycopg2" >nul 2>nul
if errorlevel 1 ( echo build.bat: PyInstaller or psycopg2 is missing after pip install 1>&2 & exit /b 1 )

rem the version is written once, in casedesk\__init__.py: the installer takes it from there
set CASEDESK_VERSION=
for /f %%v in ('.venv\Scripts\python -c "import casedesk; print(casedesk.__version__)"') do set CASEDESK_VERSION=%%v
if "%CASEDESK_VERSION%"=="" ( echo build.bat: could not read casedesk.__version__ 1>&2 & exit /b 1 )

set PYTHONPATH=%CD%
.venv\Scripts\python -m PyInstaller --noconfirm --clean installer\casedesk.spec
if errorlevel 1 ( echo build.bat: PyInstaller failed 1>&2 & exit /b 1 )
if not exist "dist\CaseDesk-%CASEDESK_VERSION%\CaseDesk.exe" ( echo build.bat: PyInstaller made no dist\CaseDesk-%CASEDESK_VERSION%\CaseDesk.exe 1>&2 & exit /b 1 )
if not exist "dist\CaseDesk-%CASEDESK_VERSION%\casedesk-cli.exe" ( echo build.bat: PyInstaller made no casedesk-cli.exe 1>&2 & exit /b 1 )
"dist\CaseDesk-%CASEDESK_VERSION%\casedesk-cli.exe" --version
if errorlevel 1 ( echo build.bat: the bundled casedesk-cli does not start 1>&2 & exit /b 1 )

rem Inno Setup's compiler: on PATH, else where its installer puts it (for all users or for one)
set ISCC=
for /f "delims=" %%i in ('where iscc 2^>nul') do if not defined ISCC set "ISCC=%%i"
if not defined ISCC if exist "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" set "ISCC=%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe"
if not defined ISCC if exist "%ProgramFiles%\Inno Setup 6\ISCC.exe" set "ISCC=%ProgramFiles%\Inno Setup 6\ISCC.exe"
if not defined ISCC if exist "%LOCALAPPDATA%\Programs\Inno Setup 6\ISCC.exe" set "ISCC=%LOCALAPPDATA%\Programs\Inno Setup 6\ISCC.exe"
if not defined ISCC (
  echo build.bat: Inno Setup's ISCC.exe is missing: install Inno Setup 6.3 or later from jrsoftware.org, or put ISCC on PATH 1>&2
  exit /b 1
)
"%ISCC%" installer\casedesk.iss
if errorlevel 1 ( echo build.bat: Inno Setup could not build the installer 1>&2 & exit /b 1 )
if not exist "dist\CaseDesk-%CASEDESK_VERSION%-setup.exe" ( echo build.bat: no dist\CaseDesk-%CASEDESK_VERSION%-setup.exe 1>&2 & exit /b 1 )
echo built dist\CaseDesk-%CASEDESK_VERSION%-setup.exe
endlocal
