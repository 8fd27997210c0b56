@echo off
rem Build the Windows bundle (run on Windows with Python 3.11+), then the installer with Inno Setup.
py -3.11 -m venv .venv || exit /b 1
.venv\Scripts\python -m pip install --quiet -e . "pyinstaller>=6.10" || exit /b 1
.venv\Scripts\pyinstaller --noconfirm --clean installer\casedesk.spec || exit /b 1
where iscc >nul 2>nul && iscc installer\casedesk.iss
