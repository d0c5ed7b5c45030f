int twice(void) { return 2; }
int weak_twice(void) { return 2; }
int _start(void) { return twice() + weak_twice(); }
