import type { CsvRecord } from '../cli/csv';

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * The RFC 4180 reader of cli/csv.ts (`parseCsv`), fed in pieces: a file of a
 * million rows is read a chunk at a time and only the record being read is
 * held, so memory stays the same whatever the file's size. Same rules, same
 * records, same errors and line numbers as `parseCsv` on the whole text
 * (tests/unit/import-csv-stream.test.ts splits inputs at every offset).
 */
export class CsvStream {
  private line = 1;
  private started = false;
  /** Inside a record: its first line, the fields so far, the field being read. */
  private inRecord = false;
  private recordLine = 1;
  private fields: string[] = [];
  private field = '';
  private error: string | undefined;
  /** The current field opened with a quote; null when it did not. */
  private quotedFrom: number | null = null;
  /** Inside quotes (false once the closing quote was read). */
  private inQuotes = false;
  /** A quote was just read inside a quoted field: a doubled quote or the closing one. */
  private quotePending = false;
  /** A CR was the last character: a following LF belongs to the same line break. */
  private afterCr = false;
  /** Text came after the closing quote (already reported). */
  private afterClose = false;
  /** The current field has had a character (so a quote now is not its opening one). */
  private fieldTouched = false;

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) this.step(text.charCodeAt(i), text[i]!, out);
    return out;
  }

  /** The end of the input: the record being read, if any. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.quotePending) this.closeQuote();
    if (this.inRecord) {
      if (this.inQuotes)
        this.fault(`the quoted field opened on line ${this.quotedFrom!} is never closed`);
      this.finishRecord(out);
    }
    return out;
  }

  private fault(message: string) {
    this.error ??= `field ${this.fields.length + 1}: ${message}`;
  }

  private closeQuote() {
    this.quotePending = false;
    this.inQuotes = false;
  }

  private finishField() {
    this.fields.push(this.field);
    this.field = '';
    this.quotedFrom = null;
    this.afterClose = false;
    this.fieldTouched = false;
  }

  private finishRecord(out: CsvRecord[]) {
    this.finishField();
    const rec: CsvRecord =
      this.error === undefined
        ? { line: this.recordLine, fields: this.fields }
        : { line: this.recordLine, fields: this.fields, error: this.error };
    out.push(rec);
    this.fields = [];
    this.error = undefined;
    this.inRecord = false;
  }

  private step(c: number, ch: string, out: CsvRecord[]) {
    const wasCr = this.afterCr;
    this.afterCr = c === CR;
    if (this.inQuotes) {
      if (this.quotePending) {
        if (c === QUOTE) {
          this.field += '"';
          this.quotePending = false;
          return;
        }
        this.closeQuote();
        // fall through: the character after the closing quote
      } else {
        if (c === QUOTE) {
          this.quotePending = true;
          return;
        }
        // A line break inside quotes: CRLF, LF and lone CR each count once.
        if (c === LF && !wasCr) this.line++;
        else if (c === CR) this.line++;
        this.field += ch;
        return;
      }
    }
    if (!this.inRecord) {
      if (c === LF && wasCr) return; // the LF of a CRLF blank line already counted
      if (c === LF || c === CR) {
        this.line++;
        return; // a blank line: no record
      }
      this.inRecord = true;
      this.recordLine = this.line;
    }
    if (c === COMMA) {
      this.finishField();
      return;
    }
    if (c === LF || c === CR) {
      this.line++;
      this.finishRecord(out);
      // A CRLF: the LF that follows is part of this break (handled above as a blank-line LF).
      return;
    }
    if (this.quotedFrom !== null) {
      // After the closing quote, before the end of the field.
      if (!this.afterClose) {
        this.afterClose = true;
        this.fault(
          'text after the closing quote; a quote inside a quoted field must be doubled ("")',
        );
      }
      this.field += ch;
      return;
    }
    if (c === QUOTE && !this.fieldTouched) {
      this.quotedFrom = this.line;
      this.inQuotes = true;
      return;
    }
    if (c === QUOTE)
      this.fault('a quote in a field that does not start with one; quote the whole field');
    this.fieldTouched = true;
    this.field += ch;
  }
}
