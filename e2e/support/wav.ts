/** The tests' WAV maker, shared with the browser tests. */
export { toneWav } from "../../tests/support/wav";
