//! ZIR files imported as text (esbuild's text loader).
declare module '*.zir' {
  const text: string;
  export default text;
}
