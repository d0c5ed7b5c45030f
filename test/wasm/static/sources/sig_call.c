// Calls sig with another signature than sig_define.c defines it with.
int sig(int);
int main(void) { return sig(3); }
