//! Interning into a list: the index of a key in `list`, appending its value the first time
//! the key is seen. The linkers' type tables (wasm) and symbol ids (ELF) are kept this way.

/** `key`'s index in `list` (recorded in `indexOf`), appending `value()` if the key is new. */
export function internIndex<K, V>(indexOf: Map<K, number>, list: V[], key: K, value: () => V): number {
  let index = indexOf.get(key);
  if (index === undefined) {
    index = list.length;
    list.push(value());
    indexOf.set(key, index);
  }
  return index;
}
