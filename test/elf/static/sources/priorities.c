// Constructors and destructors with priorities: .init_array.N sorted by N, unsuffixed
// last; destructors run through .fini_array. Plus a COMMON symbol (built -fcommon) that
// common_other.c requests at a larger size, and a weak undefined function called only
// when present, through a GOT entry holding 0 when built -fpie.
#include <stdio.h>
int shared_common[4];
extern int common_len(void);
__attribute__((weak)) extern void not_linked(void);
extern __thread int ie_var;
static void say(const char *s) { fputs(s, stdout); }
__attribute__((constructor(300))) static void c300(void) { say("c300 "); }
__attribute__((constructor(101))) static void c101(void) { say("c101 "); }
__attribute__((constructor)) static void cplain(void) { say("cplain "); }
__attribute__((constructor(200))) static void c200(void) { say("c200 "); }
__attribute__((destructor(150))) static void d150(void) { say("d150\n"); }
__attribute__((destructor)) static void dplain(void) { say("dplain "); }
int main(void) {
  printf("\nmain common=%d weak=%s ie=%d\n", common_len(), not_linked ? "present" : "absent", ie_var);
  ie_var += 1;
  printf("ie now %d\n", ie_var);
  return 0;
}
