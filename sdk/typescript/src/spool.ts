/**
 * The durable spool: traces on their way to the server, on disk until it acknowledged them.
 *
 * One append-only journal file per *stream* (a server and API key pair, named by a hash so the
 * key is never written to disk) in the spool directory. A line is either a trace
 * `{"s":seq,"t":trace_id,"b":body}` or an acknowledgement `{"a":seq}` ("everything up to seq
 * was accepted"). Traces are appended and fsync'ed before they are sent and acknowledged only
 * after a 2xx, so a crash between the two re-sends a batch the server recognises by `trace_id`
 * (idempotent ingest): nothing lost, nothing stored twice. A torn last line (a crash mid-write)
 * is ignored on reading. The file is emptied whenever nothing is pending and rewritten when
 * acknowledged lines dominate it.
 *
 * One client owns a journal at a time (a `.lock` file with its pid; a dead owner's lock is
 * taken over); a second live client on the same stream uses the next journal, `<stream>.1`.
 * A client that opens the spool takes over every journal of its stream no live process owns,
 * so nothing a second client spooled is stranded after its process exits.
 *
 * Over `maxBytes` of pending bodies, `drop_oldest` (default) drops the oldest rows and
 * `drop_newest` refuses new ones; either way the loss is counted and logged, never silent.
 */
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

import type { Logger } from "./config.js";

export interface SpoolRow {
  seq: number;
  traceId: string;
  body: string;
}

export interface SpoolStore {
  readonly path: string | null;
  dropped: number;
  pending(): number;
  append(items: Array<[string, string]>): number;
  head(limit: number): SpoolRow[];
  /** The first `count` rows of the head are done with (delivered or rejected for good). */
  removeHead(count: number): void;
  close(): void;
}

abstract class BoundedQueue {
  protected rows: SpoolRow[] = [];
  protected start = 0; // index of the first pending row in `rows`
  protected ids = new Set<string>();
  protected bytes = 0;
  protected nextSeq = 1;
  dropped = 0;

  constructor(
    protected readonly maxBytes: number,
    protected readonly fullPolicy: string,
    protected readonly logger: Logger,
  ) {}

  pending(): number {
    return this.rows.length - this.start;
  }

  head(limit: number): SpoolRow[] {
    return this.rows.slice(this.start, this.start + limit);
  }

  /** Admit rows under the size bound; returns the accepted rows and how many oldest rows to drop. */
  protected admit(items: Array<[string, string]>): { accepted: SpoolRow[]; dropOldest: number } {
    const accepted: SpoolRow[] = [];
    let incoming = 0;
    for (const [traceId, body] of items) {
      if (this.ids.has(traceId) || accepted.some((r) => r.traceId === traceId)) continue; // idempotent
      accepted.push({ seq: 0, traceId, body });
      incoming += body.length;
    }
    let dropOldest = 0;
    let overflow = this.bytes + incoming - this.maxBytes;
    if (overflow > 0) {
      if (this.fullPolicy === "drop_newest") {
        let room = this.maxBytes - this.bytes;
        const kept = accepted.filter((row) => (row.body.length <= room ? ((room -= row.body.length), true) : false));
        this.note(accepted.length - kept.length, "refused new traces (drop_newest)");
        accepted.splice(0, accepted.length, ...kept);
      } else {
        for (let i = this.start; i < this.rows.length && overflow > 0; i++) {
          overflow -= this.rows[i].body.length;
          dropOldest++;
        }
        let trimmed = 0;
        while (overflow > 0 && accepted.length) {
          overflow -= accepted.shift()!.body.length; // the new batch alone is too big
          trimmed++;
        }
        this.note(dropOldest + trimmed, "dropped the oldest traces (drop_oldest)");
      }
    }
    for (const row of accepted) row.seq = this.nextSeq++;
    return { accepted, dropOldest };
  }

  protected take(rows: SpoolRow[]): void {
    for (const row of rows) {
      this.rows.push(row);
      this.ids.add(row.traceId);
      this.bytes += row.body.length;
    }
  }

  protected forget(count: number): number {
    const end = Math.min(this.start + count, this.rows.length);
    for (let i = this.start; i < end; i++) {
      this.ids.delete(this.rows[i].traceId);
      this.bytes -= this.rows[i].body.length;
    }
    const lastSeq = end > this.start ? this.rows[end - 1].seq : 0;
    this.start = end;
    if (this.start > 1024 && this.start * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.start);
      this.start = 0;
    }
    return lastSeq;
  }

  private note(count: number, what: string): void {
    if (count <= 0) return;
    this.dropped += count;
    this.logger.warn(
      `execlave: spool over its ${this.maxBytes}-byte limit: ${what}; ${count} trace(s) lost now, ${this.dropped} in total`,
    );
  }
}

/** When spooling is disabled: bounded, in memory, not durable. */
export class MemorySpool extends BoundedQueue implements SpoolStore {
  readonly path = null;

  append(items: Array<[string, string]>): number {
    const { accepted, dropOldest } = this.admit(items);
    if (dropOldest) this.forget(dropOldest);
    this.take(accepted);
    return accepted.length;
  }

  removeHead(count: number): void {
    this.forget(count);
  }

  close(): void {}
}

export class FileSpool extends BoundedQueue implements SpoolStore {
  readonly path: string;
  private fd: number;
  private readonly lockPath: string;
  private fileBytes = 0;

  constructor(directory: string, stream: string, maxBytes: number, fullPolicy: string, logger: Logger) {
    super(maxBytes, fullPolicy, logger);
    mkdirSync(directory, { recursive: true });
    let chosen: string | null = null;
    for (let n = 0; n < 32 && chosen === null; n++) {
      const name = n === 0 ? stream : `${stream}.${n}`;
      if (takeLock(join(directory, `${name}.lock`))) chosen = name;
    }
    if (chosen === null) throw new Error(`every spool journal of this stream in ${directory} is locked`);
    this.lockPath = join(directory, `${chosen}.lock`);
    this.path = join(directory, `${chosen}.jsonl`);
    this.fd = openSync(this.path, "a+");
    this.load();
    this.adopt(directory, stream, chosen);
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      text = "";
    }
    this.fileBytes = Buffer.byteLength(text);
    const { rows, maxSeq } = parseJournal(text);
    this.take(rows.filter((r) => !this.ids.has(r.traceId)));
    this.nextSeq = maxSeq + 1;
    if (this.fileBytes && text[text.length - 1] !== "\n") this.write("\n"); // seal a torn line
  }

  /**
   * Take over the journals of this stream that no live process owns (a second client of a
   * process that has exited): their pending rows join ours, then the orphan is removed.
   */
  private adopt(directory: string, stream: string, own: string): void {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      return;
    }
    const pattern = new RegExp(`^${stream}(\\.\\d+)?\\.jsonl$`);
    for (const name of names.sort()) {
      const base = name.slice(0, -".jsonl".length);
      if (!pattern.test(name) || base === own) continue;
      const lock = join(directory, `${base}.lock`);
      if (!takeLock(lock)) continue;
      try {
        const orphan = join(directory, name);
        const { rows } = parseJournal(readFileSync(orphan, "utf8"));
        if (rows.length) this.append(rows.map((r) => [r.traceId, r.body]));
        unlinkSync(orphan);
      } catch (error) {
        this.logger.error(`execlave: could not take over the spool journal ${name}: ${String(error)}`);
      } finally {
        try {
          unlinkSync(lock);
        } catch {
          /* gone */
        }
      }
    }
  }

  private write(data: string, sync = false): void {
    const buffer = Buffer.from(data, "utf8");
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset);
    this.fileBytes += buffer.length;
    if (sync) fdatasyncSync(this.fd);
  }

  append(items: Array<[string, string]>): number {
    const { accepted, dropOldest } = this.admit(items);
    if (dropOldest) this.removeHead(dropOldest);
    if (!accepted.length) return 0;
    this.write(accepted.map((r) => JSON.stringify({ s: r.seq, t: r.traceId, b: r.body }) + "\n").join(""), true);
    this.take(accepted);
    return accepted.length;
  }

  removeHead(count: number): void {
    const lastSeq = this.forget(count);
    if (!lastSeq) return;
    if (this.pending() === 0) {
      ftruncateSync(this.fd, 0); // nothing pending: start the journal afresh
      this.fileBytes = 0;
      this.rows = [];
      this.start = 0;
      return;
    }
    this.write(JSON.stringify({ a: lastSeq }) + "\n");
    if (this.fileBytes > 1024 * 1024 && this.fileBytes > 4 * this.bytes) this.compact();
  }

  /** Rewrite the journal with only the pending rows (atomically: temp file, fsync, rename). */
  private compact(): void {
    const temp = `${this.path}.tmp`;
    const lines = this.head(this.pending()).map((r) => JSON.stringify({ s: r.seq, t: r.traceId, b: r.body }) + "\n");
    writeFileSync(temp, lines.join(""));
    const tfd = openSync(temp, "r+");
    fdatasyncSync(tfd);
    closeSync(tfd);
    renameSync(temp, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, "a+");
    this.fileBytes = fstatSync(this.fd).size;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(this.lockPath);
    } catch {
      /* gone */
    }
  }
}

/** The pending rows of a journal's text (rows past the last acknowledgement) and its last seq. */
function parseJournal(text: string): { rows: SpoolRow[]; maxSeq: number } {
  const rows: SpoolRow[] = [];
  let acked = 0;
  let maxSeq = 0;
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    if (!line) continue;
    let record: { s?: number; t?: string; b?: string; a?: number };
    try {
      record = JSON.parse(line);
    } catch {
      continue; // a torn write from a crash: the line never completed, so it was never sent
    }
    if (typeof record.a === "number") acked = Math.max(acked, record.a);
    else if (typeof record.s === "number" && typeof record.t === "string" && typeof record.b === "string") {
      rows.push({ seq: record.s, traceId: record.t, body: record.b });
      maxSeq = Math.max(maxSeq, record.s);
    }
  }
  const pending = rows.filter((r) => r.seq > acked && !seen.has(r.traceId) && (seen.add(r.traceId), true));
  return { rows: pending, maxSeq };
}

function takeLock(path: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(path, "utf8"));
    } catch {
      continue;
    }
    if (owner === process.pid || (Number.isInteger(owner) && alive(owner))) return false;
    try {
      unlinkSync(path); // its owner died without cleaning up: the journal is ours to replay
    } catch {
      /* someone else took it first */
    }
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
