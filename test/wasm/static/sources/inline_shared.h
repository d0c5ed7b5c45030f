inline int counted(int v) {
  static int calls;
  return v * 2 + ++calls;
}
