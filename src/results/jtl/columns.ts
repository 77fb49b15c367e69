/** JMeter's CSV column order when the JTL has no header (jmeter.properties defaults). */
export const DEFAULT_COLUMNS_5 = [
  'timeStamp',
  'elapsed',
  'label',
  'responseCode',
  'responseMessage',
  'threadName',
  'dataType',
  'success',
  'failureMessage',
  'bytes',
  'sentBytes',
  'grpThreads',
  'allThreads',
  'URL',
  'Latency',
  'IdleTime',
  'Connect',
];
/** JMeter 2.13's defaults wrote these twelve. */
export const DEFAULT_COLUMNS_2 = [
  'timeStamp',
  'elapsed',
  'label',
  'responseCode',
  'responseMessage',
  'threadName',
  'dataType',
  'success',
  'bytes',
  'grpThreads',
  'allThreads',
  'Latency',
];

/** Names JMeter writes in a CSV header; a first row made of these is a header. */
export const KNOWN_COLUMNS = new Set([
  ...DEFAULT_COLUMNS_5,
  'Hostname',
  'SampleCount',
  'ErrorCount',
  'Encoding',
  'Filename',
  'Bytes',
  'SentBytes',
]);

export interface ColumnIndex {
  timeStamp: number;
  elapsed: number;
  label: number;
  success: number;
  responseCode: number;
  responseMessage: number;
  failureMessage: number;
  bytes: number;
  sentBytes: number;
  allThreads: number;
  grpThreads: number;
  hostname: number;
  sampleCount: number;
  errorCount: number;
}

export function indexColumns(names: string[]): ColumnIndex {
  const at = (name: string) => names.indexOf(name);
  return {
    timeStamp: at('timeStamp'),
    elapsed: at('elapsed'),
    label: at('label'),
    success: at('success'),
    responseCode: at('responseCode'),
    responseMessage: at('responseMessage'),
    failureMessage: at('failureMessage'),
    bytes: at('bytes'),
    sentBytes: at('sentBytes'),
    allThreads: at('allThreads'),
    grpThreads: at('grpThreads'),
    hostname: at('Hostname'),
    sampleCount: at('SampleCount'),
    errorCount: at('ErrorCount'),
  };
}
