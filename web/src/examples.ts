//! The examples offered in the picker: examples/*.zir, bundled as text.

import hello from '../../examples/hello.zir';
import printNumbers from '../../examples/print_numbers.zir';

export const EXAMPLES: Record<string, string> = {
  'hello.zir': hello,
  'print_numbers.zir': printNumbers,
};
