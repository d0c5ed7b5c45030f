void sig(void) {}
