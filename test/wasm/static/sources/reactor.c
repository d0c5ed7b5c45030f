// A module of exports only (--no-entry): a function the host calls, and a data table.
int squares[8];
__attribute__((export_name("fill"))) int fill(int k) {
  int sum = 0;
  for (int i = 0; i < 8; i++) sum += squares[i] = i * i * k;
  return sum;
}
int not_exported(int x) { return x + 1; }
