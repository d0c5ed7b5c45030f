// Only the archive members a symbol is needed from are linked.
#include <stdio.h>
int lib_one(void);
int main(void) { printf("lib_one=%d\n", lib_one()); return 0; }
