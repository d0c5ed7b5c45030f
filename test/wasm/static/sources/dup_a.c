int dup(void) { return 1; }
int main(void) { return dup(); }
