int lib_two(void);
int lib_one(void) { return 1 + lib_two(); }
