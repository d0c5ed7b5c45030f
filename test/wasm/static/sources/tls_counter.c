_Thread_local int counter;
int bump(void) { return ++counter; }
