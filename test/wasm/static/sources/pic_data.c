int shared = 1;
static int local = 3;
int *addr(void) { return &local; }
int get(void) { return shared + local; }
