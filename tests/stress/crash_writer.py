"""A desk that receives cases in a loop until it is killed (tests/test_crash.py).

    python tests/stress/crash_writer.py DB ACKFILE TOTAL        (DB: a file or a postgresql:// URL)

After ``receive_case`` returns, the case's code is appended to ACKFILE and the
file is flushed and fsynced: a line there is a promise made to a citizen (the
receipt was handed over).  The loop stops when ACKFILE holds TOTAL codes; a
restarted writer carries on from there.  Office time is fixed (Monday
2 November 2026, 09:00), so every dossier falls on one receiving day.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(argv: list[str]) -> int:
    # a file, or a postgresql:// URL (tests/test_postgres_crash.py): kept as typed
    db_path = argv[0] if "://" in argv[0] else Path(argv[0])
    ack_path, total = Path(argv[1]), int(argv[2])

    from casedesk import context
    from casedesk.db import open_database
    from casedesk.services import cases
    from tests.stress.tools import OFFICE_NOW, intake, read_acks

    open_database(db_path)
    context.set_clock(lambda: OFFICE_NOW)
    done = len(read_acks(ack_path))
    # a line cut short by the last kill is dropped, so that appends start on a fresh line
    if ack_path.exists():
        text = ack_path.read_bytes()
        keep = text[: text.rfind(b"\n") + 1]
        if keep != text:
            with open(ack_path, "r+b") as fh:
                fh.truncate(len(keep))
                os.fsync(fh.fileno())
    with open(ack_path, "a", encoding="utf-8") as ack:
        i = done
        while done < total:
            result = cases.receive_case(**intake(i))
            ack.write(result.case.code + "\n")
            ack.flush()
            os.fsync(ack.fileno())
            done += 1
            i += 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
