//! The one kind of linker script a static link meets as an input file: the small "GNU ld
//! script" that stands in for a library (glibc's `libm.a` is `GROUP ( libm-2.36.a
//! libmvec.a )`). Reads `GROUP(...)` and `INPUT(...)` (with `AS_NEEDED(...)` inside, which
//! changes nothing for archives) and ignores `OUTPUT_FORMAT`/`OUTPUT_ARCH`/`SEARCH_DIR`-free
//! comments; any other command, or `-lNAME` inside, is an error message rather than a guess.
//! Pure: the caller reads the file and links what it names.

export type ScriptInputs = { ok: true; files: string[] } | { ok: false; message: string };

/** Whether `bytes` looks like a text linker script (and not an object or archive). */
export function looksLikeLinkerScript(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256));
  return /^\s*(\/\*|GROUP\b|INPUT\b|OUTPUT_FORMAT\b)/.test(head);
}

/** The files a GROUP/INPUT script names, in order. */
export function readLinkerScriptInputs(text: string): ScriptInputs {
  const tokens = text.replace(/\/\*[\s\S]*?\*\//g, ' ').match(/[()]|[^\s(),]+/g) ?? [];
  const files: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    const command = tokens[i++]!;
    if (tokens[i] !== '(') return { ok: false, message: `expected ( after ${command}` };
    let depth = 0;
    const args: string[] = [];
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === '(') depth++;
      else if (t === ')') {
        if (--depth === 0) break;
      } else args.push(t);
    }
    if (depth !== 0) return { ok: false, message: `unclosed ( after ${command}` };
    i++;
    if (command === 'OUTPUT_FORMAT' || command === 'OUTPUT_ARCH') continue;
    if (command !== 'GROUP' && command !== 'INPUT') return { ok: false, message: `linker script command ${command} is not supported (only GROUP and INPUT)` };
    for (const a of args) {
      if (a === 'AS_NEEDED') continue;
      if (a.startsWith('-l')) return { ok: false, message: `${a} inside a linker script is not supported` };
      files.push(a);
    }
  }
  return { ok: true, files };
}
