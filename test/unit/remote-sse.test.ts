import { SseParser, type SseEvent } from '../../src/remote/sse.js';

/** The events of a stream delivered in the given chunks. */
function parse(chunks: string[]): { events: SseEvent[]; parser: SseParser } {
  const parser = new SseParser();
  const events = chunks.flatMap((c) => parser.push(c));
  return { events, parser };
}

const STREAM =
  ': atq task events\n\n' +
  'id: 1\nevent: status\ndata: {"kind":"status"}\n\n' +
  ': keep-alive\n\n' +
  'id: 2\nevent: run\ndata: {"kind":"run","event":{"type":"log","message":"héllo ✓"}}\n\n';

describe('SseParser', () => {
  test('events with their id and type; comments and keep-alives are skipped', () => {
    const { events, parser } = parse([STREAM]);
    expect(events).toEqual([
      { event: 'status', data: '{"kind":"status"}', id: '1' },
      { event: 'run', data: '{"kind":"run","event":{"type":"log","message":"héllo ✓"}}', id: '2' },
    ]);
    expect(parser.lastEventId).toBe('2');
  });

  test('the same events whatever the chunks: split at every position, one character at a time', () => {
    const whole = parse([STREAM]).events;
    for (let i = 1; i < STREAM.length; i++)
      expect(parse([STREAM.slice(0, i), STREAM.slice(i)]).events).toEqual(whole);
    expect(parse([...STREAM]).events).toEqual(whole);
  });

  test('multi-line data joins with newlines; "data:" without a space and a bare "data" field', () => {
    const { events } = parse(['data: first\ndata:second\ndata\ndata:  two spaces\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'first\nsecond\n\n two spaces' }]);
  });

  test('CRLF and CR line ends, also a CRLF split between chunks', () => {
    expect(parse(['id: 7\r\nevent: end\r\ndata: x\r\n\r\n']).events).toEqual([
      { event: 'end', data: 'x', id: '7' },
    ]);
    expect(parse(['data: a\rdata: b\r\r']).events).toEqual([{ event: 'message', data: 'a\nb' }]);
    expect(parse(['data: a\r', '\n', '\r', '\n']).events).toEqual([{ event: 'message', data: 'a' }]);
  });

  test('an event without data is not dispatched, but its id still counts; an unfinished event waits', () => {
    const { events, parser } = parse(['id: 3\nevent: status\n\n', 'data: half']);
    expect(events).toEqual([]);
    expect(parser.lastEventId).toBe('3');
    expect(parser.push('\n\n')).toEqual([{ event: 'message', data: 'half', id: '3' }]);
  });

  test('the event type does not carry over to the next event; unknown fields are ignored', () => {
    const { events } = parse(['event: run\nretry: 10\nfoo: bar\ndata: 1\n\ndata: 2\n\n']);
    expect(events.map((e) => e.event)).toEqual(['run', 'message']);
  });
});
