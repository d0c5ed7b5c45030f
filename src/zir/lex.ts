//! Byte classes and small byte-level helpers shared by the parser, the splitter and the
//! printer: which bytes are whitespace, which may appear in a NAME, and how a byte is
//! shown inside an error message. Pure tables, no state.

export const CH_TAB = 0x09;
export const CH_LF = 0x0a;
export const CH_CR = 0x0d;
export const CH_SPACE = 0x20;
export const CH_QUOTE = 0x22;
export const CH_PERCENT = 0x25;
export const CH_LPAREN = 0x28;
export const CH_RPAREN = 0x29;
export const CH_COMMA = 0x2c;
export const CH_MINUS = 0x2d;
export const CH_SEMI = 0x3b;
export const CH_EQ = 0x3d;
export const CH_GT = 0x3e;
export const CH_AT = 0x40;
export const CH_LBRACKET = 0x5b;
export const CH_BACKSLASH = 0x5c;
export const CH_RBRACKET = 0x5d;
export const CH_LBRACE = 0x7b;
export const CH_RBRACE = 0x7d;

/** 1 for the bytes that may appear in a NAME (spec §2): anything but ws , ( ) [ ] { } = ; ". */
export const NAME_BYTE: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(1);
  for (const c of [CH_SPACE, CH_TAB, CH_LF, CH_CR, CH_COMMA, CH_LPAREN, CH_RPAREN, CH_LBRACKET,
    CH_RBRACKET, CH_LBRACE, CH_RBRACE, CH_EQ, CH_SEMI, CH_QUOTE]) t[c] = 0;
  return t;
})();

/** 1 for the bytes of an integer literal token after the optional `-`: [0-9A-Za-z_]. */
export const INT_TOKEN_BYTE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  t[0x5f] = 1;
  return t;
})();

export function isWhitespace(c: number): boolean {
  return c === CH_SPACE || c === CH_LF || c === CH_TAB || c === CH_CR;
}

/** How a byte appears in `unexpected byte: 'c'`: itself if printable ASCII, else `\xHH`. */
export function showByte(c: number): string {
  if (c >= 0x20 && c < 0x7f) return String.fromCharCode(c);
  return '\\x' + c.toString(16).padStart(2, '0');
}
