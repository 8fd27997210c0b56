"""A small table model over a list of rows, for the short lists of the settings
(users, procedures, days off, papers, backups): a few hundred rows at most, held
in memory.  Read-only rows are the services' frozen dataclasses; editable rows are
dicts changed in place until the screen hands them to a service."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

from casedesk.i18n import _, short_date


@dataclass(frozen=True)
class Column:
    header: str                                   # source text (N_), translated when shown
    get: Callable[[Any], Any] | None = None       # read-only value; defaults to row[key]
    key: str | None = None                        # the dict key an editable column writes
    kind: str = "text"                            # text | int | bool | date | choice
    choices: tuple[tuple[str, str], ...] = ()     # (value, label source text) for "choice"
    width: int = 0                                # characters, 0 = let the view decide
    tooltip: Callable[[Any], str | None] | None = None   # the whole text when the cell is cut short
    colour: Callable[[Any], str | None] | None = None    # text colour ("#b71c1c") for a row that needs eyes


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], rows=(), *, editable: bool = False, parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self._rows = list(rows)
        self.editable = editable

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list:
        return list(self._rows)

    def row_at(self, row: int):
        return self._rows[row]

    def append(self, row) -> int:
        index = len(self._rows)
        self.beginInsertRows(QModelIndex(), index, index)
        self._rows.append(row)
        self.endInsertRows()
        return index

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    # -------------------------------------------------- Qt interface
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(self.columns):
            return _(self.columns[section].header)
        return None

    def _value(self, row, column: Column):
        if column.get is not None:
            return column.get(row)
        return row.get(column.key) if isinstance(row, dict) else getattr(row, column.key)

    def flags(self, index: QModelIndex) -> Qt.ItemFlags:
        if not index.isValid():
            return Qt.NoItemFlags
        flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemNeverHasChildren
        column = self.columns[index.column()]
        if self.editable and column.key:
            flags |= Qt.ItemIsUserCheckable if column.kind == "bool" else Qt.ItemIsEditable
        return flags

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.columns[index.column()]
        value = self._value(self._rows[index.row()], column)
        if column.kind == "bool":
            if role == Qt.CheckStateRole:
                return Qt.Checked if value else Qt.Unchecked
            if role == Qt.DisplayRole:
                return None if self.editable else (_("Có") if value else _("Không"))
            return None
        if role == Qt.DisplayRole:
            if value is None:
                return ""
            if column.kind == "date":
                return short_date(value)
            if column.kind == "choice":
                label = dict(column.choices).get(value)
                return _(label) if label else str(value)
            return str(value)
        if role == Qt.EditRole:
            if column.kind == "date" and isinstance(value, dt.date):
                return QDate(value.year, value.month, value.day)
            return value
        if role == Qt.TextAlignmentRole and column.kind in ("int", "date"):
            return int(Qt.AlignCenter)
        if role == Qt.ToolTipRole and column.tooltip is not None:
            return column.tooltip(self._rows[index.row()]) or None
        if role == Qt.ForegroundRole and column.colour is not None:
            colour = column.colour(self._rows[index.row()])
            return QBrush(QColor(colour)) if colour else None
        return None

    def setData(self, index: QModelIndex, value, role: int = Qt.EditRole) -> bool:
        if not (self.editable and index.isValid()):
            return False
        column = self.columns[index.column()]
        row = self._rows[index.row()]
        if not column.key or not isinstance(row, dict):
            return False
        if column.kind == "bool":
            if role != Qt.CheckStateRole:
                return False
            value = Qt.CheckState(value) == Qt.Checked if not isinstance(value, bool) else value
        elif role != Qt.EditRole:
            return False
        elif column.kind == "date":
            value = dt.date(value.year(), value.month(), value.day()) if isinstance(value, QDate) else value
        elif column.kind == "int":
            value = int(value)
        else:
            value = str(value).strip() if column.kind == "text" else value
        row[column.key] = value
        self.dataChanged.emit(index, index, [role, Qt.DisplayRole])
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for a ``choice`` column."""

    def __init__(self, choices: tuple[tuple[str, str], ...], parent=None):
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        for value, label in self.choices:
            combo.addItem(_(label), value)
        return combo

    def setEditorData(self, editor, index) -> None:
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.EditRole))))

    def setModelData(self, editor, model, index) -> None:
        model.setData(index, editor.currentData(), Qt.EditRole)
