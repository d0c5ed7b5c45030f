// C++ that makes COMDAT groups: inline functions, a template instantiated here, an
// inline variable, a class with a virtual function (vtable and typeinfo in COMDATs).

inline int twice(int x) { return x * 2; }
template <typename T> T add(T a, T b) { return a + b; }
inline int shared_counter = 1;

struct Shape {
  virtual ~Shape() {}
  virtual int area() const { return 0; }
};
struct Square : Shape {
  int side;
  explicit Square(int s) : side(s) {}
  int area() const override { return side * side; }
};

int use(int x) {
  Square s(x);
  const Shape &shape = s;
  shared_counter += add<int>(x, 2) + add<long>(x, 3);
  return twice(x) + shape.area();
}
