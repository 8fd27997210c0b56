@echo off
rem "CaseDesk - dong lenh" (Start menu): a console in which casedesk-cli runs by its name.
rem Installed beside casedesk-cli.exe; ASCII only, as cmd reads batch files in the OEM code page.
chcp 65001 >nul
set "PATH=%~dp0;%PATH%"
title CaseDesk - casedesk-cli
casedesk-cli --help
echo.
