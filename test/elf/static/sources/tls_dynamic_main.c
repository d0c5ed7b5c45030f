// The main side of tls_dynamic_lib.c, built -fno-pie: defines the extern thread-locals,
// runs the -fpic accesses on three threads and the main thread, and prints what each saw
// (each thread has its own copy, started from the .tdata template).
#include <pthread.h>
#include <stdio.h>

__thread int shared_counter = 100;
__thread char shared_name[16];
extern __thread int lib_defined;
int bump(int by);
const char *tls_name(void);
int *init_address(void);

static char lines[4][96];
static int *addresses[4];

static void *worker(void *arg) {
  int k = (int)(long)arg, r = 0;
  lib_defined += k;
  for (int i = 0; i <= k + 2; i++) r += bump(i);
  addresses[k] = init_address();
  snprintf(lines[k], sizeof lines[k], "t%d r=%d counter=%d name=%s lib=%d", k, r, shared_counter, tls_name(), lib_defined);
  return lines[k];
}

int main(void) {
  pthread_t t[3];
  for (long i = 1; i <= 3; i++) pthread_create(&t[i - 1], 0, worker, (void *)i);
  for (int i = 0; i < 3; i++) pthread_join(t[i], 0);
  worker(0);
  for (int i = 0; i < 4; i++) puts(lines[i]);
  int distinct = 1;
  for (int i = 0; i < 4; i++) for (int j = 0; j < i; j++) if (addresses[i] == addresses[j]) distinct = 0;
  printf("distinct=%d\n", distinct);
  return shared_counter % 7;
}
