int twice(void) { return 1; }
int weak_twice(void) __attribute__((weak));
int weak_twice(void) { return 1; }
