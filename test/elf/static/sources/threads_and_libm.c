// A larger musl program: qsort, strtod and printf of doubles, sqrt (libm in libc.a),
// setjmp/longjmp (assembly members), threads each with their own 64-byte-aligned TLS block,
// wide characters and getenv.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <pthread.h>
#include <math.h>
#include <time.h>
#include <locale.h>
#include <wchar.h>
static __thread _Alignas(64) char tls_buf[100] = "tls-init";
static __thread long tls_counter;
static jmp_buf jb;
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static void *worker(void *arg) {
  tls_counter = (long)arg;
  snprintf(tls_buf, sizeof tls_buf, "thread %ld", tls_counter);
  return strdup(tls_buf);
}
int main(int argc, char **argv) {
  int v[] = {5, 3, 9, 1, 7};
  qsort(v, 5, sizeof *v, cmp);
  printf("%d %d %d %d %d\n", v[0], v[1], v[2], v[3], v[4]);
  printf("%.3f %g %e\n", strtod("3.14159", 0), sqrt(2.0), 1e300 * 10);
  if (setjmp(jb) == 0) longjmp(jb, 7); else puts("longjmp back");
  pthread_t t[3];
  for (long i = 0; i < 3; i++) pthread_create(&t[i], 0, worker, (void *)(i + 1));
  for (int i = 0; i < 3; i++) { void *r; pthread_join(t[i], &r); puts(r); free(r); }
  printf("main tls: %s %ld aligned=%d\n", tls_buf, tls_counter, (int)((unsigned long)tls_buf % 64));
  wchar_t w[8]; mbstowcs(w, "abc", 8); printf("wcslen=%zu\n", wcslen(w));
  char *e = getenv("HOME"); printf("home=%s\n", e ? e : "(none)");
  return argc;
}
