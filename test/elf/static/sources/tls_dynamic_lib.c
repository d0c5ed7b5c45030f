// Built -fPIC (or -fpie) at -O0..-O2 by clang and gcc: every kind of thread-local access
// -fpic code makes — general-dynamic to an extern variable (initialized .tdata and zero
// .tbss, defined by the main object), general-dynamic to a global of its own, and
// local-dynamic to static ones (with DTPOFF32 offsets).
extern __thread int shared_counter;
extern __thread char shared_name[16];
static __thread int local_init = 7;
static __thread long local_zero;
__thread int lib_defined = 11;
static __thread long long big[4] = {1, 2, 3, 4};

int bump(int by) {
  local_init += by;
  local_zero += by * 2;
  big[by & 3] += by;
  shared_counter += by;
  return local_init + (int)local_zero + lib_defined + (int)big[by & 3];
}

const char *tls_name(void) {
  shared_name[0] = (char)('a' + local_init % 26);
  shared_name[1] = (char)('a' + local_zero % 26);
  return shared_name;
}

int *init_address(void) { return &local_init; }
