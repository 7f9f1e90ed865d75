import { describe, expect, it } from "vitest";
import { clock, parseSubtitles, timestamp, toSrt, toVtt } from "./subtitles";

const segments = [
  { start: 0, end: 1.5, text: " Hello." },
  { start: 1.5, end: 3661.25, text: " A long one." },
];

describe("subtitles", () => {
  it("formats times for SRT, WebVTT and people", () => {
    expect(timestamp(3661.25, ",")).toBe("01:01:01,250");
    expect(timestamp(1.5, ".")).toBe("00:00:01.500");
    expect(clock(61.25)).toBe("1:01.3");
  });

  it("writes SRT and WebVTT", () => {
    expect(toSrt(segments)).toBe("1\n00:00:00,000 --> 00:00:01,500\nHello.\n\n2\n00:00:01,500 --> 01:01:01,250\nA long one.\n");
    expect(toVtt(segments)).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello.\n\n00:00:01.500 --> 01:01:01.250\nA long one.\n");
  });

  it("reads back what it writes, in either format", () => {
    const expected = segments.map((s) => ({ ...s, text: s.text.trim() }));
    expect(parseSubtitles(toSrt(segments))).toEqual(expected);
    expect(parseSubtitles(toVtt(segments))).toEqual(expected);
  });
});
