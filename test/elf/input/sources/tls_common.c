/* TLS (global, static, extern), common and weak symbols, a named section, strings. */
#include <stdio.h>
__thread int tls_counter = 3;
static __thread int tls_local;
extern __thread int tls_extern;
int common_var;
int data_var = 5;
static const char msg[] = "hello";
__attribute__((section(".mysec"))) int in_mysec = 7;
__attribute__((weak)) int weak_fn(int x) { return x + 1; }
extern int weak_ref(void) __attribute__((weak));
__attribute__((visibility("hidden"))) int hidden_var = 9;
extern int ext_var;
static int helper(int x) { return x * tls_local + ext_var + tls_extern; }
long big[1000];
int main(int argc, char **argv) {
  tls_counter += helper(argc);
  if (weak_ref) tls_counter += weak_ref();
  printf("%s %d %s\n", msg, weak_fn(common_var), argv[0]);
  return data_var + (int)big[argc];
}
