int lib_two(void) { return 2; }
