// malloc/realloc/free, errno from strtol, snprintf, qsort through function pointers, a
// static table of structs holding function pointers, and exit() with a status from argv.
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct op { const char *name; int (*apply)(int, int); };
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static const struct op ops[] = { { "add", add }, { "sub", sub }, { "mul", mul } };
static int table[16] = { 9, 3, 7, 1, 15, 2, 8, 4 };

static int ascending(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int descending(const void *a, const void *b) { return *(const int *)b - *(const int *)a; }

int main(int argc, char **argv) {
  char *buf = malloc(8);
  strcpy(buf, "grow");
  for (int i = 0; i < 5; i++) {
    buf = realloc(buf, strlen(buf) * 2 + 1);
    strcat(buf, buf[0] == 'g' ? "+" : "-");
  }
  printf("buf=%s\n", buf);
  free(buf);
  errno = 0;
  long big = strtol("99999999999999999999", NULL, 10);
  printf("strtol overflow: %ld errno=%s\n", big, errno == ERANGE ? "ERANGE" : "other");
  printf("strtol hex: %ld\n", strtol("-0x7fff", NULL, 16));
  int (*cmp[2])(const void *, const void *) = { ascending, descending };
  for (int k = 0; k < 2; k++) {
    qsort(table, 8, sizeof table[0], cmp[k]);
    for (int i = 0; i < 8; i++) printf("%d%c", table[i], i == 7 ? '\n' : ' ');
  }
  for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) printf("%s(6,3)=%d\n", ops[i].name, ops[i].apply(6, 3));
  char line[64];
  snprintf(line, sizeof line, "%08.3f|%-5s|%x", 3.14159, "ab", 0xbeefu);
  puts(line);
  if (argc > 1) {
    fflush(stdout);
    exit((int)strtol(argv[1], NULL, 10));
  }
  return 0;
}
