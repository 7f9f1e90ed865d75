import { describe, expect, it } from "vitest";
import { StopMatcher } from "./stops";

const run = (stops: string[], chunks: string[]) => {
  const m = new StopMatcher(stops);
  const shown = chunks.map((c) => m.push(c));
  return { shown, rest: m.flush(), stopped: m.stopped };
};

describe("StopMatcher", () => {
  it("passes text through when there is no stop", () => {
    expect(run([], ["Once", " upon"])).toEqual({ shown: ["Once", " upon"], rest: "", stopped: false });
  });

  it("cuts before a stop inside one chunk", () => {
    expect(run(["\nUser:"], ["Hi there\nUser: more"])).toEqual({ shown: ["Hi there"], rest: "", stopped: true });
  });

  it("holds back a possible start of a stop until the next chunk decides", () => {
    expect(run(["\nUser:"], ["Hi", "\n", "Us", "er:", " again"])).toEqual({ shown: ["Hi", "", "", "", ""], rest: "", stopped: true });
    expect(run(["\nUser:"], ["Hi", "\n", "Us", "ually"])).toEqual({ shown: ["Hi", "", "", "\nUsually"], rest: "", stopped: false });
  });

  it("matches a stop with a leading space across tokens", () => {
    expect(run([" Once"], ["The", " On", "ce", " more"])).toEqual({ shown: ["The", "", "", ""], rest: "", stopped: true });
  });

  it("gives back held text when the answer ends another way", () => {
    expect(run(["END"], ["ab", "EN"])).toEqual({ shown: ["ab", ""], rest: "EN", stopped: false });
  });

  it("stops at the earliest of several stops and ignores empty ones", () => {
    expect(run(["", "c", "b"], ["abcd"])).toEqual({ shown: ["a"], rest: "", stopped: true });
  });
});
