//! A section of docs/performance.md that one benchmark owns, between its two markers: the
//! benchmark rewrites its own section and leaves the rest of the page as it is.

import * as fs from 'node:fs';

export class DocSection {
  private readonly begin: string;
  private readonly end: string;

  /** `name`: the markers' name (`zirc-ld link bench`). */
  constructor(name: string) {
    this.begin = `<!-- ${name}: begin -->`;
    this.end = `<!-- ${name}: end -->`;
  }

  /** The section wrapped in its markers (for report.ts, the full bench's page). */
  block(section: string): string {
    return `${this.begin}\n${section}\n${this.end}`;
  }

  /** Puts the section into the page at `docPath`, replacing an earlier one, or at the end. */
  write(docPath: string, section: string): void {
    const block = `${this.block(section)}\n`;
    const text = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '# Performance\n';
    const b = text.indexOf(this.begin);
    const e = text.indexOf(this.end);
    const next = b >= 0 && e > b ? `${text.slice(0, b)}${block}${text.slice(e + this.end.length + 1)}` : `${text.replace(/\n*$/, '\n\n')}${block}`;
    fs.writeFileSync(docPath, next);
  }
}
