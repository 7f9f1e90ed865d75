import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A durable, per-process outbox of lines (JSON), written before an answer
 * leaves and deleted once the database holds what they say. Lines go to a
 * segment file; each flush closes the segment it reads and starts a new one,
 * and the closed segments are deleted after the batch commits. A process
 * that died (kill -9) leaves its segments behind: the next process of the
 * same database on the same data folder claims them (an atomic rename, so two
 * starting at once never both do) and writes them again. Lines reach the
 * kernel before their answers leave (a killed process loses nothing; the
 * recorder writes the lines of one turn of the event loop at once); they are
 * not fsynced, so a power loss of the machine can lose the last ones.
 */
export class Journal {
  private fd: number | null = null;
  private segment = 0;
  /** Segments whose lines are all in the queue: deleted after the next successful write. */
  private closed: string[] = [];
  private readonly prefix: string;

  constructor(
    readonly dir: string,
    private readonly pid = process.pid,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.prefix = `${pid}-${Date.now().toString(36)}`;
  }

  /** The folder of a database's journals under a data folder: one database's lines never replay into another. */
  static dirFor(dataDir: string, databaseLocation: string): string {
    return path.join(dataDir, "journal", createHash("sha256").update(databaseLocation).digest("hex").slice(0, 16));
  }

  private file(n: number) {
    return path.join(this.dir, `${this.prefix}-${n}.jsonl`);
  }

  append(line: string): void {
    if (this.fd === null) this.fd = fs.openSync(this.file(this.segment), "a");
    fs.writeSync(this.fd, `${line}\n`);
  }

  /** Close the open segment: its lines are being written to the database. */
  rotate(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
    this.closed.push(this.file(this.segment));
    this.segment++;
  }

  /** Everything rotated so far is in the database: delete those segments. */
  committed(): void {
    for (const f of this.closed.splice(0)) fs.rmSync(f, { force: true });
  }

  /**
   * Lines left by processes that are gone, claimed by this one, segment by
   * segment (a segment's lines are read in order, from its first): they count
   * as rotated, so the next successful write deletes them.
   */
  recover(): string[][] {
    const segments: string[][] = [];
    for (const name of fs.readdirSync(this.dir).sort()) {
      if (!name.endsWith(".jsonl") || name.startsWith(`${this.prefix}-`)) continue;
      const pid = Number(name.split("-")[0]);
      // Our own pid from an earlier life (containers reuse pid 1) counts as gone.
      if (pid !== this.pid && alive(pid)) continue;
      const claimed = path.join(this.dir, `${this.prefix}-claimed-${name}`);
      try {
        fs.renameSync(path.join(this.dir, name), claimed);
      } catch {
        continue; // another process claimed it first
      }
      this.closed.push(claimed);
      segments.push(fs.readFileSync(claimed, "utf8").split("\n").filter((line) => line.trim()));
    }
    return segments;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
