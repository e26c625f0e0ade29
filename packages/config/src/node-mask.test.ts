import { parseNodeConfig } from './node-config.js';
import { HIDDEN, hideValues } from './node-mask.js';

const isSecret = (section: string, key: string) => section === 'cluster' && key === 'secret';

test.each([
  ['a plain line', '[cluster]\nsecret = s3cret-s3cret-s3cret\nnodes = hv1\n', `[cluster]\nsecret = ${HIDDEN}\nnodes = hv1\n`],
  ['an indented line, CRLF', '# c\r\n[cluster]\r\n  secret=s3cret-s3cret-s3cret\r\n', `# c\r\n[cluster]\r\n  secret= ${HIDDEN}\r\n`],
  ['a line ending of a lone CR', '[cluster]\rsecret = s3cret-s3cret-s3cret\r', `[cluster]\rsecret = ${HIDDEN}\r`],
  ['another section, a comment', '[hb#1]\nsecret = shown\n# secret = shown too\n', '[hb#1]\nsecret = shown\n# secret = shown too\n'],
])('%s', (_, text, expected) => {
  expect(hideValues(text, isSecret)).toBe(expected);
  // Whatever the node reads as the secret is what was hidden.
  const secret = parseNodeConfig(text, 'node.conf')['cluster']?.['secret'];
  if (secret !== undefined) expect(hideValues(text, isSecret)).not.toContain(secret);
});
