// A C++ program that throws and catches (a std::runtime_error through a destructor, and an
// int), for the glibc static links: the unwinder needs .eh_frame, its personality routine
// and .gcc_except_table, and with --eh-frame-hdr the PT_GNU_EH_FRAME table.
#include <cstdio>
#include <stdexcept>
#include <string>
struct Guard { const char *n; ~Guard() { std::printf("unwind %s\n", n); } };
[[gnu::noinline]] int deep(int n) { Guard g{"deep"}; if (n > 2) throw std::runtime_error("too deep: " + std::to_string(n)); return n * 2; }
int main(int argc, char **) {
  int total = 0;
  for (int i = 0; i < argc + 3; i++) {
    try { total += deep(i); } catch (const std::exception &e) { std::printf("caught %s\n", e.what()); total += 100; }
  }
  try { throw 42; } catch (int v) { total += v; }
  std::printf("total %d\n", total);
  return total % 256;
}
