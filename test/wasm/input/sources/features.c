// A C file that makes clang emit every kind of wasm object metadata a C program can:
// functions and function pointers (table relocations), initialized, read-only and bss
// data, constructors with and without a priority, weak definitions and weak references,
// an import with its own module and name, an export name, a kept symbol, TLS.

int counter = 5;
static int table[100];
const char *greeting = "hello";
extern int external_value;
extern int external_array[];

__attribute__((weak)) int weak_twice(int x) { return x * 2; }
__attribute__((weak)) extern int maybe_there(void);
__attribute__((import_module("host"), import_name("log_it"))) void host_log(int);
__attribute__((export_name("exported_add"))) int add(int a, int b) { return a + b; }
__attribute__((used)) static int kept_helper(void) { return 7; }

static int scale(int a) { return a * counter + table[a & 63]; }
int (*hook)(int) = scale;
int (*hooks[3])(int) = { scale, weak_twice, 0 };

_Thread_local int per_thread = 3;

__attribute__((constructor(101))) static void init_early(void) { counter++; }
__attribute__((constructor)) static void init_late(void) { counter += 2; }

struct big { int a[16]; };
static struct big make_big(int x) { struct big b; for (int i = 0; i < 16; i++) b.a[i] = x + i; return b; }

int use_everything(int x) {
  if (maybe_there) x += maybe_there();
  host_log(x);
  struct big b = make_big(x);
  per_thread += b.a[3];
  return hook(x) + hooks[1](x) + external_value + external_array[x] + per_thread + greeting[1] + add(x, 1);
}
