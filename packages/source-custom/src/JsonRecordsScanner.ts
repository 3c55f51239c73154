/** One element of the top-level `Records` array, as found by {@link JsonRecordsScanner}. */
export interface ScannedElement {
  /** 1-based position in `Records`. */
  ordinal: number;
  /** 1-based line where the element starts. */
  line: number;
  /** UTF-8 text of the element (surrounding whitespace included); absent when not captured or too large. */
  bytes?: Uint8Array;
  /** Size of the element text in bytes, also when it was too large to keep. */
  size: number;
}

/** The byte stream is not a JSON object holding a `Records` array (or breaks JSON outside the elements). */
export class DocumentStructureError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'DocumentStructureError';
  }
}

export interface JsonRecordsScannerOptions {
  /** Keep the bytes of the elements (the pre-pass does not need them). */
  captureElements: boolean;
  /** Elements with an ordinal up to this one are counted but not kept (resume). Default 0. */
  skipThrough?: number;
  /** Elements larger than this are reported without bytes. */
  maxElementBytes: number;
  /** Top-level members other than `Records` larger than this are a structure error. Default 64 KiB. */
  maxMemberBytes?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const LF = 0x0a;

enum State {
  BeforeDocument,
  ExpectKey,
  InKey,
  ExpectColon,
  ExpectValue,
  InMember,
  ExpectElement,
  InElement,
  AfterRecords,
  AfterDocument,
}

const KEY_LIMIT = 1024;
const RECORDS = 'Records';
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A byte-level scanner for `{"StreamName": ..., "Records": [ ... ]}` documents that never holds more than one
 * element in memory: it tracks strings (with escapes) and bracket depth only, cuts each element of the
 * top-level `Records` array out as bytes for `JSON.parse`, and keeps the other top-level members as raw JSON
 * text. It checks the structure down to the elements; the inside of an element is left to `JSON.parse`, so a
 * broken element costs one record, while broken structure (unbalanced quotes or brackets, trailing garbage,
 * a truncated file) is a {@link DocumentStructureError}. Feed UTF-8 without a BOM.
 */
export class JsonRecordsScanner {
  /** Top-level members other than `Records`: name → raw JSON text of the value. */
  readonly members = new Map<string, string>();
  /** True once a `Records` member was seen. */
  recordsSeen = false;
  /** Elements of `Records` seen so far. */
  elementCount = 0;
  /** 1-based line of the byte being scanned. */
  line = 1;

  private state = State.BeforeDocument;
  private inString = false;
  private escaped = false;
  /** Bracket depth inside the current member value or element. */
  private inner = 0;
  private firstInContainer = true;
  private key = '';
  private pieces: Uint8Array[] = [];
  private pieceBytes = 0;
  private captureStart = -1;
  private capturing = false;
  private tooLarge = false;
  private elementLine = 0;
  /** Absolute offset of the first byte of the current chunk, and of the current element. */
  private chunkOffset = 0;
  private elementOffset = 0;
  private readonly maxMemberBytes: number;

  constructor(private readonly options: JsonRecordsScannerOptions) {
    this.maxMemberBytes = options.maxMemberBytes ?? 64 * 1024;
  }

  /** Scans `chunk` and returns the elements that ended in it. */
  push(chunk: Uint8Array): ScannedElement[] {
    const found: ScannedElement[] = [];
    const length = chunk.length;
    if (this.capturing) this.captureStart = 0;
    for (let index = 0; index < length; index++) {
      const byte = chunk[index];
      if (byte === LF) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) {
          this.inString = false;
          if (this.state === State.InKey) this.endKey(chunk, index);
        }
        continue;
      }
      switch (this.state) {
        case State.InElement:
          if (byte === QUOTE) this.inString = true;
          else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.inner++;
          else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
            if (this.inner > 0) this.inner--;
            else if (byte === CLOSE_BRACE) this.fail('a "}" closes more than was opened inside Records');
            else {
              found.push(this.endElement(chunk, index));
              this.state = State.AfterRecords;
            }
          } else if (byte === COMMA && this.inner === 0) {
            found.push(this.endElement(chunk, index));
            this.state = State.ExpectElement;
          }
          break;
        case State.InMember:
          if (byte === QUOTE) this.inString = true;
          else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.inner++;
          else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
            if (this.inner > 0) this.inner--;
            else if (byte === CLOSE_BRACKET) this.fail(`a "]" closes more than was opened in member "${this.key}"`);
            else {
              this.endMember(chunk, index);
              this.state = State.AfterDocument;
            }
          } else if (byte === COMMA && this.inner === 0) {
            this.endMember(chunk, index);
            this.state = State.ExpectKey;
          }
          break;
        case State.ExpectElement:
          if (isSpace(byte)) break;
          if (byte === CLOSE_BRACKET && this.firstInContainer) {
            this.state = State.AfterRecords;
            break;
          }
          this.startElement(index);
          index--; // Re-read this byte as the first byte of the element.
          break;
        case State.BeforeDocument:
          if (isSpace(byte)) break;
          if (byte !== OPEN_BRACE) this.fail(`expected "{" to open the document, found ${describeByte(byte)}`);
          this.state = State.ExpectKey;
          this.firstInContainer = true;
          break;
        case State.ExpectKey:
          if (isSpace(byte)) break;
          if (byte === CLOSE_BRACE && this.firstInContainer) {
            this.state = State.AfterDocument;
            break;
          }
          if (byte !== QUOTE) this.fail(`expected a member name in double quotes, found ${describeByte(byte)}`);
          this.state = State.InKey;
          this.inString = true;
          this.startCapture(index);
          break;
        case State.ExpectColon:
          if (isSpace(byte)) break;
          if (byte !== COLON) this.fail(`expected ":" after "${this.key}", found ${describeByte(byte)}`);
          this.state = State.ExpectValue;
          break;
        case State.ExpectValue:
          if (isSpace(byte)) break;
          if (this.key === RECORDS) {
            if (this.recordsSeen) this.fail('"Records" appears twice');
            if (byte !== OPEN_BRACKET) this.fail(`"Records" must be an array, found ${describeByte(byte)}`);
            this.recordsSeen = true;
            this.state = State.ExpectElement;
            this.firstInContainer = true;
            break;
          }
          if (this.members.has(this.key)) this.fail(`"${this.key}" appears twice`);
          this.state = State.InMember;
          this.inner = 0;
          this.startCapture(index);
          index--; // Re-read this byte as the first byte of the value.
          break;
        case State.AfterRecords:
          if (isSpace(byte)) break;
          if (byte === COMMA) {
            this.state = State.ExpectKey;
            this.firstInContainer = false;
          } else if (byte === CLOSE_BRACE) this.state = State.AfterDocument;
          else this.fail(`expected "," or "}" after the Records array, found ${describeByte(byte)}`);
          break;
        case State.AfterDocument:
          if (!isSpace(byte)) this.fail(`unexpected ${describeByte(byte)} after the end of the document`);
          break;
        case State.InKey:
          break;
      }
    }
    if (this.capturing && this.captureStart >= 0) this.keep(chunk.subarray(this.captureStart));
    this.chunkOffset += length;
    return found;
  }

  /** Checks the document ended properly; returns false when there was nothing but whitespace. */
  end(): boolean {
    if (this.state === State.BeforeDocument) return false;
    if (this.state !== State.AfterDocument) {
      this.fail('the document ends early (truncated file, or an unclosed string, array or object)');
    }
    if (!this.recordsSeen) this.fail('the document has no "Records" array');
    return true;
  }

  private startCapture(index: number): void {
    this.capturing = true;
    this.captureStart = index;
    this.pieces = [];
    this.pieceBytes = 0;
    this.tooLarge = false;
  }

  private startElement(index: number): void {
    this.state = State.InElement;
    this.inner = 0;
    this.firstInContainer = false;
    this.elementCount++;
    this.elementLine = this.line;
    this.elementOffset = this.chunkOffset + index;
    const wanted = this.options.captureElements && this.elementCount > (this.options.skipThrough ?? 0);
    if (wanted) this.startCapture(index);
    else this.capturing = false;
  }

  /** Keeps a piece of the current capture, or only counts it once the capture is over its limit. */
  private keep(piece: Uint8Array): void {
    this.pieceBytes += piece.length;
    if (this.tooLarge) return;
    const limit = this.state === State.InElement ? this.options.maxElementBytes : this.maxMemberBytes;
    if (this.pieceBytes > limit) {
      this.tooLarge = true;
      this.pieces = [];
      return;
    }
    this.pieces.push(piece);
  }

  private take(chunk: Uint8Array, end: number): Uint8Array | undefined {
    this.keep(chunk.subarray(this.captureStart, end));
    this.capturing = false;
    this.captureStart = -1;
    const pieces = this.pieces;
    this.pieces = [];
    if (this.tooLarge) return undefined;
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
  }

  private endElement(chunk: Uint8Array, index: number): ScannedElement {
    const size = this.chunkOffset + index - this.elementOffset;
    const element: ScannedElement = { ordinal: this.elementCount, line: this.elementLine, size };
    if (this.capturing) element.bytes = this.take(chunk, index);
    return element;
  }

  private endKey(chunk: Uint8Array, index: number): void {
    const bytes = this.take(chunk, index + 1);
    if (!bytes || bytes.length > KEY_LIMIT) this.fail('a member name is longer than 1 KiB');
    this.key = JSON.parse(decodeUtf8(bytes, this.line)) as string;
    this.state = State.ExpectColon;
  }

  private endMember(chunk: Uint8Array, index: number): void {
    const bytes = this.take(chunk, index);
    if (!bytes) this.fail(`member "${this.key}" is larger than ${this.maxMemberBytes} bytes`);
    this.members.set(this.key, decodeUtf8(bytes, this.line).trim());
    this.firstInContainer = false;
  }

  private fail(message: string): never {
    throw new DocumentStructureError(message, this.line);
  }
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === LF || byte === 0x0d || byte === 0x09;
}

function describeByte(byte: number): string {
  if (byte >= 0x21 && byte < 0x7f) return `"${String.fromCharCode(byte)}"`;
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

function decodeUtf8(bytes: Uint8Array, line: number): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new DocumentStructureError('a top-level member is not valid UTF-8', line);
  }
}
