// Properties of the reader over generated input.
import { isCapsuleError } from '@capsule/core';
import fc from 'fast-check';
import { parseConfig } from './reader.js';
import { renderDocument } from './writer.js';

const lineSoup = fc.array(
  fc.oneof(
    fc.string(),
    fc.constantFrom('[DEFAULT]', '[ip#1]', '[', ']', '=', ':', '#', ';', '  ', '\t', '\r', '\ufeff', '{', '$(', '@'),
    fc.tuple(fc.string(), fc.constantFrom('=', ':'), fc.string()).map((t) => t.join('')),
  ),
  { maxLength: 40 },
).map((lines) => lines.join('\n'));

test('parse never throws anything but a typed ConfigSyntax error', () => {
  fc.assert(
    fc.property(fc.oneof(lineSoup, fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b))), (input) => {
      try {
        parseConfig(input, 'fuzz.conf');
      } catch (e) {
        if (!isCapsuleError(e) || e.code !== 'ConfigSyntax') throw e;
      }
    }),
    { numRuns: 2000 },
  );
});

const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const value = fc.stringMatching(/^[^\n\r]{0,20}$/).map((v) => v.trim());
const section = fc.tuple(
  fc.oneof(fc.constant('DEFAULT'), fc.constant('env'), fc.tuple(fc.constantFrom('ip', 'fs', 'app', 'container'), fc.stringMatching(/^[a-z0-9]{1,4}$/)).map(([g, i]) => `${g}#${i}`)),
  fc.uniqueArray(fc.tuple(ident, fc.option(fc.constantFrom('nodes', 'encapnodes', 'hv1'), { nil: undefined }), fc.array(value, { minLength: 1, maxLength: 3 }), fc.constantFrom(' = ', ': ', '=')), {
    selector: ([k, s]) => `${k}@${s}`,
    maxLength: 6,
  }),
  fc.boolean(),
);
const validDocument = fc.uniqueArray(section, { selector: ([name]) => name, maxLength: 6 }).map((sections) =>
  sections
    .map(([name, entries, comment]) =>
      [
        `[${name}]`,
        ...(comment ? ['# a comment', '; another'] : []),
        ...entries.map(([k, scope, [first, ...rest], delim]) => [`${k}${scope ? `@${scope}` : ''}${delim}${first}`, ...rest.filter(Boolean).map((r) => `\t${r}`)].join('\n')),
      ].join('\n'),
    )
    .join('\n\n'),
);

const model = (text: string) => parseConfig(text, 'p.conf').sections.map((s) => [s.name, s.entries.map((e) => [e.key, e.value])]);

test('print config then parse is a fixed point', () => {
  fc.assert(
    fc.property(validDocument, (text) => {
      const doc = parseConfig(text, 'p.conf');
      expect(doc.issues).toEqual([]);
      const printed = renderDocument(doc);
      expect(model(printed)).toEqual(model(text));
      expect(renderDocument(parseConfig(printed, 'p.conf'))).toBe(printed);
    }),
    { numRuns: 500 },
  );
});
