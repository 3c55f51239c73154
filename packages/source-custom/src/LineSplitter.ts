/** One line of a JSON Lines file. */
export interface SplitLine {
  /** 1-based line number. */
  line: number;
  /** The line without its CR/LF; absent when longer than the limit. */
  bytes?: Uint8Array;
  /** Length of the line in bytes (without CR/LF), also when too long to keep. */
  size: number;
  /** Byte offset just after the line's terminator (of the text fed in, plus the start offset). */
  endOffset: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Cuts a byte stream into lines (LF or CRLF) holding at most one line in memory; a line longer than `maxBytes`
 * is counted but not kept.
 */
export class LineSplitter {
  private pieces: Uint8Array[] = [];
  private pieceBytes = 0;
  private offset: number;
  private line: number;

  constructor(
    private readonly maxBytes: number,
    start: { line: number; offset: number } = { line: 0, offset: 0 },
  ) {
    this.offset = start.offset;
    this.line = start.line;
  }

  push(chunk: Uint8Array): SplitLine[] {
    const lines: SplitLine[] = [];
    let from = 0;
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, from)) {
      this.add(chunk.subarray(from, at));
      this.offset += at + 1 - from;
      lines.push(this.finish());
      from = at + 1;
    }
    if (from < chunk.length) {
      this.add(chunk.subarray(from));
      this.offset += chunk.length - from;
    }
    return lines;
  }

  /** The last line when the file does not end with a line break. */
  end(): SplitLine | undefined {
    return this.pieceBytes > 0 ? this.finish() : undefined;
  }

  private add(piece: Uint8Array): void {
    this.pieceBytes += piece.length;
    // Keep one byte beyond the limit so a trailing CR does not make a line of exactly maxBytes look too long.
    if (this.pieceBytes <= this.maxBytes + 1) this.pieces.push(piece);
    else this.pieces = [];
  }

  private finish(): SplitLine {
    this.line++;
    let size = this.pieceBytes;
    let bytes: Uint8Array | undefined;
    if (size <= this.maxBytes + 1) {
      bytes = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
      if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
      size = bytes.length;
      if (size > this.maxBytes) bytes = undefined;
    }
    this.pieces = [];
    this.pieceBytes = 0;
    return { line: this.line, bytes, size, endOffset: this.offset };
  }
}
