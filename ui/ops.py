"""The one background runner.

All database and document work runs on a single worker thread, one task at a
time (SQLite sees one writer per process, the GUI never freezes).  Results and
errors come back on the GUI thread through queued signals.  Long tasks get a
progress callback and a cancel flag.  Never touch a widget from inside ``fn``.
"""
from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from casedesk.errors import Unavailable


class Cancelled(Exception):
    """Raised inside a task when the user pressed Cancel."""


@dataclass
class Task:
    fn: Callable[..., Any]
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    label: str = ""
    progress: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)
    id: int = 0


class TaskHandle:
    """What the caller keeps: cancel it, or watch its progress."""

    def __init__(self, task: Task):
        self._task = task

    def cancel(self) -> None:
        self._task.cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._task.cancel.is_set()


class _Worker(QObject):
    finished = Signal(int, object)
    failed = Signal(int, object, str)
    progressed = Signal(int, int, int, str)

    @Slot(object)
    def run(self, task: Task) -> None:
        def report(done: int, total: int, text: str = "") -> None:
            if task.cancel.is_set():
                raise Cancelled()
            self.progressed.emit(task.id, done, total, text)

        try:
            result = task.fn(report) if task.progress else task.fn()
        except BaseException as exc:  # delivered to the GUI thread, shown there
            self.failed.emit(task.id, exc, traceback.format_exc())
        else:
            self.finished.emit(task.id, result)


class Runner(QObject):
    """``runner.run(fn, on_done=..., on_error=...)``; with ``progress=True`` ``fn`` gets ``report(done, total, text)``."""

    _submit = Signal(object)
    busy_changed = Signal(bool, str)            # any task running, its label
    progress = Signal(int, int, str)            # done, total, text of the running task
    unavailable = Signal(object)                # a task met errors.Unavailable (before its own on_error)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("casedesk-worker")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.progressed.connect(self._on_progress)
        self._tasks: dict[int, Task] = {}
        self._next = 1
        self.default_error: Callable[[BaseException, str], None] | None = None
        self._thread.start()

    def run(self, fn: Callable[..., Any], *, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, label: str = "",
            progress: bool = False) -> TaskHandle:
        task = Task(fn=fn, on_done=on_done, on_error=on_error, label=label, progress=progress, id=self._next)
        self._next += 1
        self._tasks[task.id] = task
        self.busy_changed.emit(True, label)
        self._submit.emit(task)
        return TaskHandle(task)

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the worker and wait for it (short reads only; keeps one DB thread)."""
        if QThread.currentThread() is self._thread:
            return fn()
        box: dict[str, Any] = {}
        done = threading.Event()

        def wrapper():
            try:
                box["value"] = fn()
            except BaseException as exc:
                box["error"] = exc
            finally:
                done.set()

        task = Task(fn=wrapper, id=0)
        self._submit.emit(task)
        done.wait()
        if "error" in box:
            raise box["error"]
        return box.get("value")

    def pending(self) -> int:
        return len(self._tasks)

    @Slot(int, object)
    def _on_finished(self, task_id: int, result: Any) -> None:
        task = self._tasks.pop(task_id, None)
        if not self._tasks:
            self.busy_changed.emit(False, "")
        if task and task.on_done:
            task.on_done(result)

    @Slot(int, object, str)
    def _on_failed(self, task_id: int, exc: BaseException, trace: str) -> None:
        task = self._tasks.pop(task_id, None)
        if not self._tasks:
            self.busy_changed.emit(False, "")
        if isinstance(exc, Cancelled) or task is None:
            return
        if isinstance(exc, Unavailable):
            self.unavailable.emit(exc)          # the window's connection light and banner
        if task.on_error:
            task.on_error(exc)
        elif self.default_error:
            self.default_error(exc, trace)

    @Slot(int, int, int, str)
    def _on_progress(self, task_id: int, done: int, total: int, text: str) -> None:
        self.progress.emit(done, total, text)

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait(5000)
