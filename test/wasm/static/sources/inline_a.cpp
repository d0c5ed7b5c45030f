// An inline function and its static local in a COMDAT shared by two objects, and a
// global object with a constructor and destructor.
extern "C" int printf(const char *, ...);
#include "inline_shared.h"
struct Greeter {
  Greeter() { printf("greeter constructed\n"); }
  ~Greeter() { printf("greeter destroyed\n"); }
};
static Greeter greeter;
extern "C" int from_b(int);
int main() {
  int a = counted(10);
  int b = from_b(20);
  printf("a=%d b=%d calls=%d\n", a, b, counted(0));
  return 0;
}
