import type { Code } from '../codes.js';
import type { OffloadRecord, RecordOrigin } from '../record.js';
import type { DecodedRecord, DecodeNotice, FolderFile, ResumePoint } from './types.js';

/** One yielded batch of a file, in file order. */
export interface BatchMark {
  /** Records in the batch. */
  count: number;
  /** Position just after the last row the batch covers (row errors before it included). */
  end: ResumePoint;
  /** Raw rows of the records, when the decoder kept them (for sink rejections). */
  raws?: (string | undefined)[];
  acked: boolean;
  failed: boolean;
}

const SAMPLE_LIMIT = 5;

/**
 * The state of one file while it is read and acknowledged: its batches in order, the contiguous acknowledged
 * prefix (what the checkpoint may store), and what went wrong, kept small (counts and a few samples).
 */
export class FileRun {
  private readonly marks: BatchMark[] = [];
  committed: ResumePoint;
  committedRecords: number;
  /** Position after the last item read so far. */
  last: ResumePoint;
  readComplete = false;
  /** Reading stopped early (abort, error): the file is never finished in this pass. */
  readStopped = false;
  hadFailure = false;
  /** A rejected row's text is only in the file (too large to copy): the file must not be deleted. */
  keepWhole = false;
  finishing = false;
  /** Highest line written to the rejected output, this pass or an earlier one. */
  rejectedThrough: number;
  /** Rows up to this line were rejected and written in an earlier pass. */
  readonly rejectedBefore: number;
  rowErrors = 0;
  readonly rowErrorSamples: string[] = [];
  sinkRejected = 0;
  readonly sinkRejectSamples: string[] = [];
  failedRecords = 0;
  readonly notices = new Map<Code, { first: DecodeNotice; count: number }>();

  constructor(
    readonly file: FolderFile,
    resume: ResumePoint,
    records: number,
    rejectedThrough: number,
  ) {
    this.committed = { ...resume };
    this.last = { ...resume };
    this.committedRecords = records;
    this.rejectedThrough = rejectedThrough;
    this.rejectedBefore = rejectedThrough;
  }

  addMark(count: number, raws: (string | undefined)[] | undefined): BatchMark {
    const mark: BatchMark = { count, end: { ...this.last }, raws, acked: false, failed: false };
    this.marks.push(mark);
    return mark;
  }

  /** Moves the committed prefix over leading acknowledged batches; stops at the first failed one. */
  advance(): boolean {
    let moved = false;
    while (this.marks.length > 0 && this.marks[0].acked && !this.marks[0].failed) {
      const mark = this.marks.shift()!;
      this.committed = mark.end;
      this.committedRecords += mark.count;
      moved = true;
    }
    return moved;
  }

  /** Batches yielded but not yet acknowledged. */
  outstanding(): number {
    let count = 0;
    for (const mark of this.marks) if (!mark.acked) count++;
    return count;
  }

  noteRowError(description: string, line: number): void {
    this.rowErrors++;
    if (this.rowErrorSamples.length < SAMPLE_LIMIT) this.rowErrorSamples.push(description);
    if (line > this.rejectedThrough) this.rejectedThrough = line;
  }

  noteSinkReject(description: string): void {
    this.sinkRejected++;
    if (this.sinkRejectSamples.length < SAMPLE_LIMIT) this.sinkRejectSamples.push(description);
  }

  notice(notice: DecodeNotice): void {
    const seen = this.notices.get(notice.code);
    if (seen) seen.count++;
    else this.notices.set(notice.code, { first: notice, count: 1 });
  }
}

/** The record of a decoded item; optional fields are set only when the decoder gave them. */
export function recordOf(item: DecodedRecord, route: string, origin: RecordOrigin): OffloadRecord {
  const record: OffloadRecord = { value: item.value, route: item.route ?? route, origin };
  if (item.data !== undefined) record.data = item.data;
  if (item.partitionKey !== undefined) record.partitionKey = item.partitionKey;
  if (item.explicitHashKey !== undefined) record.explicitHashKey = item.explicitHashKey;
  if (item.stream !== undefined) record.stream = item.stream;
  return record;
}
