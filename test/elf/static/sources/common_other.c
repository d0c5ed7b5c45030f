// The other half of priorities.c: a larger COMMON request for shared_common (the largest
// wins), and the thread-local variable priorities.c reaches with initial-exec TLS.
int shared_common[16];
__thread int ie_var = 41;
int common_len(void) { shared_common[15] = 16; return (int)(sizeof shared_common / sizeof *shared_common) + shared_common[15] - 16; }
