// A program with no libc at all: _start calls a write wrapper built on the syscall
// instruction, reads a string table through pointers (R_X86_64_64 in .data) and exits
// with a status computed from its data.
static long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
static const char *const lines[] = {"hello ", "from ", "zirc\n"};
int counter = 3;
long wr(const char *s) { long n = 0; while (s[n]) n++; return sys3(1, 1, (long)s, n); }
__attribute__((noreturn)) void _start(void) {
  long total = 0;
  for (int i = 0; i < counter; i++) total += wr(lines[i]);
  sys3(60, (int)total, 0, 0);
  __builtin_unreachable();
}
