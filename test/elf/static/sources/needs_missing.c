extern int nowhere_defined(void);
void _start(void) { nowhere_defined(); }
