#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
__thread int counter = 5;
__thread int zeroed;
static int ctor_ran;
__attribute__((constructor)) static void init(void) { ctor_ran = 40 + 2 * (getenv("ZIRC_UNSET_VAR") == 0); counter++; }
int main(int argc, char **argv) {
  printf("ctor=%d counter=%d zeroed=%d argc=%d\n", ctor_ran, counter, zeroed, argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  char *p = malloc(100);
  strcpy(p, "heap ok");
  puts(p);
  free(p);
  errno = 0;
  if (open("/nonexistent/zirc", O_RDONLY) < 0) fprintf(stderr, "open: %s (errno %d)\n", strerror(errno), errno);
  zeroed += argc;
  return 3 + zeroed;
}
