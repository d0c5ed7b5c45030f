/* A jump table, function pointers, an ifunc, constructors, 64-bit data relocations. */
static int impl_a(int x) { return x + 1; }
static int impl_b(int x) { return x * 2; }
static void *resolve_pick(void) { return (void *)impl_a; }
int pick(int) __attribute__((ifunc("resolve_pick")));
int (*table[])(int) = { impl_a, impl_b };
const char *names[] = { "a", "b", "c" };
int sw(int k) {
  switch (k) { case 0: return 10; case 1: return 22; case 2: return 31; case 3: return 47; case 4: return 5; case 5: return 68; default: return -1; }
}
__attribute__((constructor)) static void init(void) { table[0] = impl_b; }
long addr_of_table(void) { return (long)&table[1] + sw(3); }
