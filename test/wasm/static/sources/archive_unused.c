#include <stdio.h>
__attribute__((constructor)) static void never(void) { puts("unused member's constructor ran"); }
int lib_unused(void) { return 3; }
