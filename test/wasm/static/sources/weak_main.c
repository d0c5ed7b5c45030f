// A weak definition overridden by a strong one in another object, a weak undefined
// function left undefined (its address is null), and a weak undefined variable.
#include <stdio.h>

__attribute__((weak)) const char *who(void) { return "weak who"; }
__attribute__((weak)) int fallback(void) { return 1; }
extern void nobody(void) __attribute__((weak));
extern int nothing __attribute__((weak));

int main(void) {
  printf("who: %s\n", who());
  printf("fallback: %d\n", fallback());
  printf("nobody is %s, &nothing is %s\n", nobody ? "defined" : "null", &nothing ? "defined" : "null");
  if (nobody) nobody();
  return 0;
}
