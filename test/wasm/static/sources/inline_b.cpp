#include "inline_shared.h"
extern "C" int from_b(int v) { return counted(v); }
