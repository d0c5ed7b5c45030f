// Built -fpic: general-dynamic TLS (R_X86_64_TLSGD), which a static link must not get silently wrong.
extern __thread int elsewhere;
int read_elsewhere(void) { return elsewhere; }
