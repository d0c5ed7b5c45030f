// For --gc-sections, built -ffunction-sections -fdata-sections: what main reaches stays
// (used_*, a callee of a callee, a thread-local it reads), what nothing live reaches goes
// (unused_*, and what only they reach, even an undefined symbol nobody defines); roots stay
// without references: a constructor (.init_array), a retained function (SHF_GNU_RETAIN),
// and the sections of `gc_items`, which the program walks through __start_/__stop_.
#include <stdio.h>

extern void never_defined(void);
struct item { const char *name; int value; };
#define ITEM(n, v) static const struct item item_##n __attribute__((used, section("gc_items"))) = { #n, v }
ITEM(first, 1);
ITEM(second, 20);
extern const struct item __start_gc_items[], __stop_gc_items[];

static int constructed;
__thread int used_tls = 5;
__thread int unused_tls = 9;
int used_data[4] = {1, 2, 3, 4};
int unused_data[64] = {7};
const char unused_rodata[] = "nobody reads this string";

__attribute__((noinline)) int used_leaf(int x) { return x * 3 + used_tls; }
__attribute__((noinline)) int used_middle(int x) { return used_leaf(x) + used_data[x & 3]; }
__attribute__((noinline)) int unused_leaf(int x) { return x + unused_data[x & 63] + unused_tls; }
__attribute__((noinline)) int unused_function(int x) { never_defined(); puts(unused_rodata); return unused_leaf(x); }
__attribute__((retain, noinline)) int retained_function(int x) { return x + 1; }
__attribute__((constructor)) static void init_early(void) { constructed = 42; }

int main(int argc, char **argv) {
  (void)argv;
  int sum = 0;
  for (const struct item *it = __start_gc_items; it < __stop_gc_items; it++) sum += it->value;
  printf("middle=%d items=%d constructed=%d\n", used_middle(argc), sum, constructed);
  return 0;
}
