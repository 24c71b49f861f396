"""Writing a batch's output: result lines whole, each chunk at once (so ``resume`` can cut a
partial last line), their counts, the summary, and the progress line on stderr."""

from __future__ import annotations

import time
from typing import IO

from zjtx_rules.batch.pool import Done
from zjtx_rules.batch.records import CountingReader
from zjtx_rules.batch.summary import Summary


class Progress:
    def __init__(self, stream: IO[str] | None, total_bytes: int | None) -> None:
        self.stream = stream
        self.total = total_bytes
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, consumed: int, final: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if not final and now - self.last < 0.5:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        text = f"\r{done} lines, {rate:,.0f}/s"
        if self.total and consumed:
            eta = (self.total - consumed) / max(consumed / max(now - self.start, 1e-9), 1e-9)
            text += f", {100 * consumed / self.total:.0f}%, ETA {eta:,.0f}s"
        self.stream.write(text + ("\n" if final else ""))
        self.stream.flush()


class ResultWriter:
    """Writes each chunk's lines and counts them (and the errors among them) into the summary
    and the progress line, which shows how far ``reader`` has read."""

    def __init__(
        self, out: IO[bytes], summary: Summary | None, progress: Progress, reader: CountingReader
    ) -> None:
        self.out = out
        self.summary = summary
        self.progress = progress
        self.reader = reader
        self.done = 0
        self.errors = 0

    def write(self, chunk: Done) -> None:
        self.out.write(chunk.data)
        self.out.flush()
        self.done += chunk.lines
        self.errors += chunk.errors
        if self.summary is not None:
            assert chunk.records is not None, "a summary is kept: each chunk brings its records"
            for rec in chunk.records:
                self.summary.add(rec)
        self.progress.update(self.done, self.reader.consumed)

    def finish(self) -> None:
        self.progress.update(self.done, self.reader.consumed, final=True)
