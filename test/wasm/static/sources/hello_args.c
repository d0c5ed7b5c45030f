// printf of argv and a computed exit status returned from main.
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  printf("hello from wasm, argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
  fprintf(stderr, "to stderr: %s\n", argc > 2 ? argv[2] : "(none)");
  return 40 + argc;
}
