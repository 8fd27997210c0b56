#!/usr/bin/env bash
# Build the one-folder Linux bundle into dist/CaseDesk-<version>/ and a .tar.gz beside it.
#   make bundle                       # the usual way: the project's .venv with the "bundle" extra
#   PYTHON=/path/to/python installer/build.sh   # a Python that already has the dependencies and PyInstaller
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
fail() { echo "build.sh: $*" >&2; exit 1; }
[ -x "$PYTHON" ] || fail "no Python at $PYTHON: run 'make bundle' (it makes .venv) or set PYTHON"
"$PYTHON" -c "import PyInstaller" 2>/dev/null || fail "PyInstaller is missing: $PYTHON -m pip install -e '.[bundle]'"
"$PYTHON" -c "import psycopg2" 2>/dev/null || fail "the PostgreSQL driver is missing: $PYTHON -m pip install -e '.[bundle]'"
version=$("$PYTHON" -c "import re,pathlib; print(re.search(r'__version__ = \"([^\"]+)\"', pathlib.Path('casedesk/__init__.py').read_text()).group(1))")
folder="dist/CaseDesk-$version"
start=$(date +%s)
rm -rf "$folder" "$folder.tar.gz"
PYTHONPATH=$PWD "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN installer/casedesk.spec
[ -x "$folder/CaseDesk" ] && [ -x "$folder/casedesk-cli" ] || fail "PyInstaller made no $folder/CaseDesk"
# what an office technician needs beside the programs: the menu entry, its icon, a README
cp installer/linux/casedesk.desktop installer/linux/install-menu.sh resources/icons/casedesk.png "$folder/"
sed "s/{version}/$version/g" installer/linux/README.txt > "$folder/README.txt"
chmod +x "$folder/install-menu.sh"
tar -C dist -czf "$folder.tar.gz" "$(basename "$folder")"
echo "built $folder ($(du -sm "$folder" | cut -f1) MB) and $folder.tar.gz ($(du -sm "$folder.tar.gz" | cut -f1) MB) in $(( $(date +%s) - start )) s"
