#!/bin/sh
# Put CaseDesk in this user's application menu and casedesk-cli on this user's PATH, from wherever this
# folder was unpacked (run it again after moving the folder).  "--remove" takes both away again.
# Nothing here touches the office's data (~/.local/share/CaseDesk).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps="$data/applications"
icons="$data/icons/hicolor/256x256/apps"
bin="$HOME/.local/bin"

if [ "${1:-}" = "--remove" ]; then
  rm -f "$apps/casedesk.desktop" "$icons/casedesk.png" "$bin/casedesk" "$bin/casedesk-cli"
  echo "Đã gỡ CaseDesk khỏi menu và PATH (dữ liệu vẫn giữ nguyên). / CaseDesk removed from the menu and PATH (data kept)."
  exit 0
fi
if [ ! -x "$here/CaseDesk" ] || [ ! -x "$here/casedesk-cli" ]; then
  echo "Lỗi: không thấy CaseDesk trong $here. / Error: CaseDesk not found in $here." >&2
  exit 1
fi
mkdir -p "$apps" "$icons" "$bin"
cp "$here/casedesk.png" "$icons/casedesk.png"
ln -sf "$here/CaseDesk" "$bin/casedesk"
ln -sf "$here/casedesk-cli" "$bin/casedesk-cli"
# the menu entry names the program by its full path (quoted: a folder name may have spaces), since
# ~/.local/bin is not on every desktop session's PATH
# (a folder name with "&", "|" or "\" is escaped for sed first)
esc=$(printf '%s' "$here" | sed -e 's/[&|\\]/\\&/g')
sed -e "s|^Exec=casedesk|Exec=\"$esc/CaseDesk\"|" -e "s|^TryExec=casedesk|TryExec=$esc/CaseDesk|" \
  "$here/casedesk.desktop" > "$apps/casedesk.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
echo "Đã thêm CaseDesk vào menu; casedesk-cli ở $bin. / CaseDesk added to the menu; casedesk-cli is in $bin."
