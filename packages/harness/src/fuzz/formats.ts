/**
 * The string formats the harness generates (`email`, `uuid`, `uri`, `date-time`, `date`, `time`,
 * `ipv4`, `ipv6`, `hostname`), each with a check at least as strict as ajv-formats' so that harvested
 * values are only drawn where the schema accepts them.
 */
import fc from 'fast-check';

const minDate = new Date('1970-01-01T00:00:00.000Z');
const maxDate = new Date('2099-12-31T23:59:59.999Z');
const isoDate = fc.date({ min: minDate, max: maxDate, noInvalidDate: true }).map((date) => date.toISOString());

/** Addresses every validator accepts (ajv-formats, zod), rather than RFC 5322's corners. */
const plainEmail = fc.stringMatching(/^[a-z][a-z0-9]{0,9}(\.[a-z0-9]{1,6})?@[a-z][a-z0-9-]{0,8}[a-z0-9]\.(com|org|net|test|example)$/);

const generators: Readonly<Record<string, fc.Arbitrary<string>>> = {
  email: plainEmail,
  uuid: fc.uuid(),
  uri: fc.webUrl({ withQueryParameters: true, withFragments: true }),
  'date-time': isoDate,
  date: isoDate.map((text) => text.slice(0, 10)),
  time: isoDate.map((text) => text.slice(11)),
  ipv4: fc.ipV4(),
  ipv6: fc.ipV6(),
  hostname: fc.domain(),
};

const emailPattern = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const uuidPattern = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const datePattern = /^(\d{4})-(\d\d)-(\d\d)$/;
const timePattern = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;
const hostnamePattern = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i;
const ipv4Pattern = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function isDate(text: string): boolean {
  const match = datePattern.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const checks: Readonly<Record<string, (text: string) => boolean>> = {
  email: (text) => emailPattern.test(text),
  uuid: (text) => uuidPattern.test(text),
  uri: (text) => /^[a-z][a-z0-9+.-]*:\/\/[^\s"<>\\^`{|}]+$/i.test(text) && URL.canParse(text),
  'date-time': (text) => {
    const [date, time, ...rest] = text.split(/t/i);
    return rest.length === 0 && date !== undefined && time !== undefined && isDate(date) && timePattern.test(time);
  },
  date: isDate,
  time: (text) => timePattern.test(text),
  ipv4: (text) => ipv4Pattern.test(text),
  ipv6: (text) => text.includes(':') && URL.canParse(`http://[${text}]/`) && /^[0-9a-f:.]+$/i.test(text),
  hostname: (text) => hostnamePattern.test(text),
};

/** The formats this module generates. */
export const supportedFormats: readonly string[] = Object.keys(generators);

export function formatArbitrary(format: string): fc.Arbitrary<string> | undefined {
  return generators[format];
}

/** Whether `text` is of `format`; undefined for a format this module does not know. */
export function matchesFormat(format: string, text: string): boolean | undefined {
  return checks[format]?.(text);
}
