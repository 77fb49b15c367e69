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

describe('SseParser limits: a stream cannot grow memory without bound', () => {
  const limits = { line: 100, event: 150 };

  test('a line over the limit, in many chunks, is dropped with its event; the stream goes on after it', () => {
    const parser = new SseParser(limits);
    const out = [
      ...parser.push('id: 1\ndata: '),
      ...Array.from({ length: 50 }, () => parser.push('x'.repeat(40))).flat(),
    ];
    expect(out).toEqual([]);
    expect((parser as unknown as { buffer: string }).buffer.length).toBeLessThanOrEqual(limits.line);
    expect(parser.push('x\n\nid: 2\ndata: ok\n\n')).toEqual([{ event: 'message', data: 'ok', id: '2' }]);
    expect(parser.dropped).toBe(1);
  });

  test('an over-long line that arrives whole in one chunk is dropped too', () => {
    const parser = new SseParser(limits);
    expect(parser.push(`data: ${'y'.repeat(500)}\n\ndata: ok\n\n`)).toEqual([
      { event: 'message', data: 'ok' },
    ]);
    expect(parser.dropped).toBe(1);
  });

  test('data lines each under the limit but together over it drop the event', () => {
    const parser = new SseParser(limits);
    const line = `data: ${'z'.repeat(60)}\n`;
    expect(parser.push(line.repeat(3) + '\n' + line + '\n')).toEqual([
      { event: 'message', data: 'z'.repeat(60) },
    ]);
    expect(parser.dropped).toBe(1);
  });

  test('an id that cannot go back in a Last-Event-ID header is ignored', () => {
    const parser = new SseParser();
    parser.push('id: 5\n\nid: 6 7\n\nid: \u00e9\n\n');
    expect(parser.lastEventId).toBe('5');
    parser.push(`id: ${'1'.repeat(200)}\n\n`);
    expect(parser.lastEventId).toBe('5');
  });
});
