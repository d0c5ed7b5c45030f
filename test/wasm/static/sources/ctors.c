// Constructors with priorities run in priority order before main; atexit handlers and
// destructors after it.
#include <stdio.h>
#include <stdlib.h>

static int order[8];
static int n;
__attribute__((constructor(300))) static void third(void) { order[n++] = 3; }
__attribute__((constructor(101))) static void first(void) { order[n++] = 1; }
__attribute__((constructor)) static void last(void) { order[n++] = 9; }
__attribute__((constructor(200))) static void second(void) { order[n++] = 2; }
__attribute__((destructor)) static void goodbye(void) { puts("destructor ran"); }
static void at_exit(void) { puts("atexit handler ran"); }

int main(void) {
  atexit(at_exit);
  printf("constructors ran:");
  for (int i = 0; i < n; i++) printf(" %d", order[i]);
  printf("\n");
  return 0;
}
