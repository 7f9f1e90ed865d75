/** The optional package `espeak-ng` ships no types; espeak.ts describes what it uses. */
declare module "espeak-ng" {
  const factory: unknown;
  export default factory;
}
