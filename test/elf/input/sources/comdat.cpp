// Inline functions, templates and a static local: COMDAT groups, GNU_UNIQUE or weak data.
template <typename T> struct Box { static T shared; T get() const { return v + shared; } T v; };
template <typename T> T Box<T>::shared = 4;
inline int counter() { static int n = 0; return ++n; }
struct Base { virtual ~Base() {} virtual int f() { return 1; } };
struct Derived : Base { int f() override { return 2; } };
int use(int x) {
  Box<int> b{x};
  Box<long> c{x};
  Base *p = new Derived;
  int r = b.get() + (int)c.get() + counter() + p->f();
  delete p;
  try { if (x > 100) throw x; } catch (int e) { r += e; }
  return r;
}
