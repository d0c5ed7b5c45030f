// C++ with wasm exception handling: a throw and a catch make a tag symbol
// (__cpp_exception), a TAG section and R_WASM_TAG_INDEX_LEB relocations.

struct Error { int code; };

int check(int x) {
  try {
    if (x < 0) throw Error{x};
  } catch (Error &e) {
    return e.code;
  }
  return 0;
}
