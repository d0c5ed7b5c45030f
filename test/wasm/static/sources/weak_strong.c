const char *who(void) { return "strong who"; }
