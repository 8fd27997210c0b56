#!/usr/bin/env bash
# Build the one-folder Linux bundle into dist/CaseDesk-<version>/ and a .tar.gz beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
make install
.venv/bin/python -m pip install --quiet "pyinstaller>=6.10"
.venv/bin/pyinstaller --noconfirm --clean installer/casedesk.spec
folder=$(ls -d dist/CaseDesk-* | grep -v '\.tar\.gz$' | tail -1)
tar -C dist -czf "$folder.tar.gz" "$(basename "$folder")"
echo "built $folder.tar.gz"
