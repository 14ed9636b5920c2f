import { describe, expect, it } from "vitest";
import { testPlayerView } from "../../lib/testing/player-view.ts";
import { PlayerListStreams } from "./player-streams.ts";

const player = (id: string) => testPlayerView(id);

describe("PlayerListStreams", () => {
  it("makes each list a delta of the last one sent or given in a snapshot, with revisions never used twice", () => {
    const streams = new PlayerListStreams();
    const first = streams.snapshotRevision("s1", [player("1")]);
    expect(first).toEqual({ stream: streams.stream, n: 1 });
    // A second snapshot before any change names the same list.
    expect(streams.snapshotRevision("s1", [player("1")])).toEqual(first);
    expect(streams.next("s1", [player("1"), player("2")], true)).toEqual({
      kind: "delta",
      revision: { stream: streams.stream, n: 2 },
      base: 1,
      ids: ["1", "2"],
      rows: [player("2")],
    });
    // Another server counts on: a number names one list of one server.
    expect(streams.next("s2", [player("9")], true)).toEqual({
      kind: "whole",
      revision: { stream: streams.stream, n: 3 },
    });
  });

  it("drops an unwatched server's list; its next watched list goes whole under a new number", () => {
    const streams = new PlayerListStreams();
    streams.next("s1", [player("1")], true);
    expect(streams.next("s1", [player("2")], false)).toBeNull();
    expect(streams.next("s1", [player("3")], true)).toEqual({
      kind: "whole",
      revision: { stream: streams.stream, n: 2 },
    });
    streams.forget("s1");
    expect(streams.snapshotRevision("s1", [])).toEqual({ stream: streams.stream, n: 3 });
  });

  it("gives one event's list the same step however many listeners ask (the cluster's mirror writer and the bridge)", () => {
    const streams = new PlayerListStreams();
    const first = [player("1")];
    const whole = streams.next("s1", first, true);
    expect(streams.next("s1", first, true)).toBe(whole);
    const second = [player("1"), player("2")];
    const delta = streams.next("s1", second, true);
    expect(delta).toMatchObject({ kind: "delta", base: 1, revision: { n: 2 }, ids: ["1", "2"] });
    expect(streams.next("s1", second, true)).toBe(delta);
    // A new list with the same players is a new revision (its array is another event's).
    expect(streams.next("s1", [player("1"), player("2")], true)).toMatchObject({
      base: 2,
      revision: { n: 3 },
      rows: [],
    });
    expect(streams.snapshotRevision("s1", second)).toEqual({ stream: streams.stream, n: 3 });
  });

  it("has a stream of its own per process (a restarted dashboard's numbers never match)", () => {
    expect(new PlayerListStreams().stream).not.toBe(new PlayerListStreams().stream);
  });
});
