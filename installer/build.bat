@echo off
rem Build the Windows bundle (run on Windows with Python 3.11+), then the installer with Inno Setup.
py -3.11 -m venv .venv || exit /b 1
.venv\Scripts\python -m pip install --quiet -e . "pyinstaller>=6.10" || exit /b 1
.venv\Scripts\pyinstaller --noconfirm --clean installer\casedesk.spec || exit /b 1
rem the version is written once, in casedesk\__init__.py: the installer takes it from there
for /f %%v in ('.venv\Scripts\python -c "import casedesk; print(casedesk.__version__)"') do set CASEDESK_VERSION=%%v
where iscc >nul 2>nul && iscc installer\casedesk.iss
